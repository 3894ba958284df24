import Foundation
import PropertyBased
import Testing
@testable import SceneLedger

/// Random but plausible event histories: most events refer to devices, connections and
/// participants that exist at that point, some refer to ids that never existed or were
/// removed, so the fold's defensive rules are exercised too.
struct EventHistory: Sendable, CustomStringConvertible {
    let seed: UInt64
    let events: [SceneEvent]

    var description: String { "EventHistory(seed: \(seed), \(events.count) events)" }

    /// The generator: shrinks towards shorter histories.
    static let gen = zip(Gen.uint64(in: 0 ... .max), Gen.int(in: 0...60)).map { seed, count in
        EventHistory(seed: seed, count: count)
    }

    init(seed: UInt64, count: Int) {
        self.seed = seed
        var rng = SplitMix64(seed: seed)
        var builder = Builder()
        events = (0..<count).map { _ in builder.next(using: &rng) }
    }

    /// Recorded events with versions 1...n and increasing times.
    var recorded: [RecordedEvent] {
        var micros: Int64 = 1_700_000_000_000_000 + Int64(seed % 1_000_000)
        return events.enumerated().map { i, event in
            micros += Int64((seed >> (i % 48)) & 0xFFF) + 1
            return SceneFixtures.recorded(event, version: Int64(i + 1), at: micros)
        }
    }

    /// Keeps the ids alive so far and picks the next event.
    struct Builder {
        var devices: [UUID] = []
        var connections: [UUID] = []
        var participants: [UUID] = []
        var counter = 0

        mutating func fresh() -> UUID {
            counter += 1
            return SceneFixtures.id(0x1000 + counter)
        }

        /// An existing id nine times in ten, otherwise a fresh (absent) one.
        mutating func pick(_ ids: [UUID], _ rng: inout SplitMix64) -> UUID {
            if ids.isEmpty || rng.below(10) == 0 { return fresh() }
            return ids[rng.below(ids.count)]
        }

        mutating func next(using rng: inout SplitMix64) -> SceneEvent {
            switch rng.below(16) {
            case 0:
                return .sceneCreated(name: "scene \(rng.below(100))")
            case 1, 2:
                let id = rng.below(8) == 0 && !devices.isEmpty ? devices[rng.below(devices.count)] : fresh()
                if !devices.contains(id) { devices.append(id) }
                let kind = DeviceKind.allCases[rng.below(DeviceKind.allCases.count)]
                let model: ModelRef =
                    rng.below(4) == 0 ? .asset(Hex.encode((0..<32).map { _ in UInt8(rng.below(256)) })) : .defaultModel(for: kind)
                return .deviceAdded(
                    Device(
                        id: id, kind: kind, name: "d\(counter)", model: model, position: rng.vec3(),
                        rotation: rng.vec3(), scale: rng.vec3(), metadata: rng.metadata()))
            case 3, 4:
                return .deviceMoved(id: pick(devices, &rng), position: rng.vec3())
            case 5:
                let id = pick(devices, &rng)
                return .deviceUpdated(
                    DeviceUpdate(
                        id: id,
                        kind: rng.below(2) == 0 ? DeviceKind.allCases[rng.below(DeviceKind.allCases.count)] : nil,
                        name: rng.below(2) == 0 ? "u\(rng.below(1000))" : nil,
                        position: rng.below(2) == 0 ? rng.vec3() : nil,
                        rotation: rng.below(3) == 0 ? rng.vec3() : nil,
                        scale: rng.below(3) == 0 ? rng.vec3() : nil,
                        metadata: rng.below(3) == 0 ? rng.metadata() : nil))
            case 6:
                let id = pick(devices, &rng)
                devices.removeAll { $0 == id }
                return .deviceRemoved(id: id)
            case 7:
                let id = fresh()
                connections.append(id)
                return .connectionCreated(
                    Connection(
                        id: id, source: pick(devices, &rng), target: pick(devices, &rng),
                        kind: ConnectionKind.allCases[rng.below(ConnectionKind.allCases.count)],
                        direction: ConnectionDirection.allCases[rng.below(ConnectionDirection.allCases.count)]))
            case 8:
                let id = pick(connections, &rng)
                connections.removeAll { $0 == id }
                return .connectionRemoved(id: id)
            case 9:
                let id = fresh()
                participants.append(id)
                return .participantJoined(participant: id, actor: SceneFixtures.id(rng.below(4)), role: rng.role())
            case 10:
                let id = pick(participants, &rng)
                participants.removeAll { $0 == id }
                return .participantLeft(participant: id)
            case 11:
                return .roleChanged(participant: pick(participants, &rng), role: rng.role())
            case 12:
                let camera = Camera(
                    target: rng.vec3(), distance: rng.double(), azimuth: rng.double(), elevation: rng.double(),
                    fov: rng.double())
                return .cameraChanged(participant: pick(participants, &rng), camera: camera)
            case 13:
                let device: UUID? = rng.below(4) == 0 ? nil : pick(devices, &rng)
                return .selectionChanged(participant: pick(participants, &rng), device: device)
            case 14:
                return .pointerMoved(participant: pick(participants, &rng), pointer: Pointer(x: rng.double(), y: rng.double()))
            default:
                return rng.below(4) == 0
                    ? .actorErased(actor: SceneFixtures.id(rng.below(4)))
                    : .latencyProbed(participant: pick(participants, &rng), probe: "probe-\(rng.below(1000))")
            }
        }
    }
}

/// Random values for histories, from the deterministic generator, so a history is a
/// pure function of its seed.
extension SplitMix64 {
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Mostly "nice" values, sometimes awkward ones (tiny, huge, negative zero, long fractions).
    mutating func double() -> Double {
        switch below(6) {
        case 0: return Double(below(200)) - 100
        case 1: return [0.1, -0.0, 1e-300, 1.7976931348623157e308, 9_007_199_254_740_992, 2.5e-7][below(6)]
        default: return Double(bitPattern: next() & 0x3FFF_FFFF_FFFF_FFFF) * (below(2) == 0 ? 1 : -1)
        }
    }

    mutating func vec3() -> Vec3 { Vec3(double(), double(), double()) }
    mutating func role() -> Role { below(2) == 0 ? .driver : .observer }

    mutating func metadata() -> [String: JSONValue] {
        var m: [String: JSONValue] = [:]
        for i in 0..<below(4) {
            let values: [JSONValue] = [.number(double()), .string("v\(i)"), .bool(i % 2 == 0), nil, ["n": [.number(double())]]]
            m["k\(below(10))\u{e9}"] = values[below(values.count)]
        }
        return m
    }
}

@Suite struct FoldPropertyTests {
    typealias F = SceneFixtures

    @Test func snapshotAtAnyPointThenFoldingTheRestMatchesFoldingFromZero() async throws {
        await propertyCheck(count: 60, input: EventHistory.gen) { history in
            let events = history.recorded
            let full = try SceneState.fold(sceneID: F.scene, events)
            #expect(full.version == Int64(events.count))
            for k in 0...events.count {
                let head = try SceneState.fold(sceneID: F.scene, events[..<k])
                var resumed = try SnapshotCodec.decode(try SnapshotCodec.encode(head))
                #expect(resumed == head)
                try resumed.apply(contentsOf: events[k...])
                #expect(resumed.stateHash == full.stateHash, "split at \(k)")
                #expect(resumed == full, "split at \(k)")
            }
        }
    }

    @Test func foldIsDeterministic() async throws {
        await propertyCheck(count: 100, input: EventHistory.gen) { history in
            let first = try SceneState.fold(sceneID: F.scene, history.recorded)
            let second = try SceneState.fold(sceneID: F.scene, EventHistory(seed: history.seed, count: history.events.count).recorded)
            #expect(first == second)
            #expect(first.canonicalBytes == second.canonicalBytes)
            #expect(first.stateHashHex == second.stateHashHex)
        }
    }

    @Test func everyGeneratedEventRoundTripsThroughItsPayload() async throws {
        await propertyCheck(count: 100, input: EventHistory.gen) { history in
            for event in history.events {
                let decoded = try SceneEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payloadBytes: event.payloadBytes)
                #expect(decoded == event)
            }
        }
    }

    @Test func generatedHistoriesMostlyReferToLiveIDs() async throws {
        // Guards the generator itself: histories must build real scenes, not only no-ops.
        var devices = 0
        var connections = 0
        var participants = 0
        for seed in 0..<UInt64(40) {
            let state = try SceneState.fold(sceneID: F.scene, EventHistory(seed: seed, count: 60).recorded)
            devices += state.devices.count
            connections += state.connections.count
            participants += state.participants.count
        }
        #expect(devices > 40)
        #expect(connections > 0)
        #expect(participants > 20)
    }
}
