import ScenecastFixtures
import ScenecastTerminal
package import Foundation
package import SceneLedger

/// Realistic commands for the ledger benchmark: camera moves and edits of a 100-device
/// plant, with payloads of 200–400 bytes.
struct BenchWorkload {
    let devices: [Device]
    private var rng: SplitMix64
    let participant = UUID()
    let commandIDs: CommandIDKind
    private let v7 = UUIDv7Generator()

    init(seed: UInt64, commandIDs: CommandIDKind = .v7) {
        self.devices = DemoFactory(deviceCount: 100).devices
        self.rng = SplitMix64(seed: seed)
        self.commandIDs = commandIDs
    }

    /// A new command id of the configured kind.
    mutating func nextCommandID() -> UUID {
        switch commandIDs {
        case .v7: v7.next()
        case .v4: rng.nextUUID()
        }
    }

    mutating func nextEvent() -> SceneEvent {
        let roll = rng.next() % 10
        let device = devices[Int(rng.next() % UInt64(devices.count))]
        switch roll {
        case 0..<5:
            return .cameraChanged(
                participant: participant,
                camera: Camera(
                    target: Vec3(rng.nextUnit() * 80 - 40, 0, rng.nextUnit() * 60 - 30), distance: 20 + rng.nextUnit() * 80,
                    azimuth: rng.nextUnit() * 360, elevation: 10 + rng.nextUnit() * 60, fov: 50
                )
            )
        case 5..<8:
            return .deviceMoved(id: device.id, position: Vec3(rng.nextUnit() * 80 - 40, 0, rng.nextUnit() * 60 - 30))
        default:
            return .deviceUpdated(
                DeviceUpdate(
                    id: device.id, name: "\(device.name) (rev \(rng.next() % 1000))",
                    rotation: Vec3(0, Double(rng.next() % 360), 0),
                    metadata: [
                        "line": .number(Double(rng.next() % 9 + 1)), "status": .string(["running", "idle", "maintenance"][Int(rng.next() % 3)]),
                        "operator": .string("shift-\(rng.next() % 3 + 1)"), "oee": .number(Double(rng.next() % 1000) / 1000),
                    ]
                )
            )
        }
    }

    mutating func request(_ lease: SceneLease, session: UUID) -> AppendRequest {
        AppendRequest(
            lease: lease, sessionID: session, actorID: participant, commandID: nextCommandID(),
            clientTimeMillis: Int64(Date().timeIntervalSince1970 * 1000), events: [NewEvent(nextEvent())]
        )
    }
}

/// How the benchmark's clients mint command ids: time-ordered, as the server and the web
/// client do, or random, as a client written before them might.
package enum CommandIDKind: String, Sendable {
    case v7, v4
}

/// Order statistics over samples.
struct Percentiles {
    let sorted: [Double]
    init(_ samples: [Double]) { sorted = samples.sorted() }

    func at(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    var median: Double { at(50) }
}
