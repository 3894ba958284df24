import Foundation
import SceneLedger

/// A deterministic demo plant: N devices laid out as production lines of storage,
/// conveyors, work centers and robot arms, with AGVs between the lines, and about 2N
/// connections (production flow along each line, material from storage and AGVs, data
/// from every cell to its line's controller, power to the robot arms).
///
/// The same N always gives the same ids, names, positions and connections.
struct DemoFactory {
    let devices: [Device]
    let connections: [Connection]

    /// One production line's repeating pattern.
    static let pattern: [DeviceKind] = [.storage, .conveyor, .workCenter, .robotArm, .conveyor, .workCenter, .robotArm, .conveyor]

    init(deviceCount n: Int) {
        var rng = SplitMix64(seed: 0x5CE_7E_CA57 &+ UInt64(n))
        let perLine = 12
        let agvCount = max(n / 25, n >= 10 ? 1 : 0)
        let lineDevices = n - agvCount
        let lineCount = max(1, (lineDevices + perLine - 1) / perLine)
        var devices: [Device] = []
        var lines: [[Int]] = Array(repeating: [], count: lineCount)
        for i in 0..<lineDevices {
            let line = i / perLine
            let slot = i % perLine
            let kind: DeviceKind = slot == perLine - 1 ? .storage : DemoFactory.pattern[slot % DemoFactory.pattern.count]
            let x = Double(slot) * 8 - Double(perLine) * 4
            let z = Double(line) * 14 - Double(lineCount - 1) * 7
            let jitter = (rng.nextUnit() - 0.5) * 0.4
            let yaw: Double = kind == .robotArm ? [0, 90, 180, 270][Int(rng.next() % 4)] : 0
            devices.append(
                Device(
                    id: rng.nextUUID(), kind: kind, name: DemoFactory.name(kind, line: line, slot: slot),
                    model: ModelRef.defaultModel(for: kind), position: Vec3(x, 0, z + jitter), rotation: Vec3(0, yaw, 0),
                    scale: .one, metadata: ["line": .number(Double(line + 1)), "cell": .number(Double(slot + 1))]
                )
            )
            lines[line].append(devices.count - 1)
        }
        for a in 0..<agvCount {
            let z = Double(a % max(lineCount, 1)) * 14 - Double(lineCount - 1) * 7 + 7
            devices.append(
                Device(
                    id: rng.nextUUID(), kind: .agv, name: "AGV \(a + 1)", model: .defaultModel(for: .agv),
                    position: Vec3(Double(a / max(lineCount, 1)) * 10 - 40, 0, z), rotation: Vec3(0, 90, 0), scale: .one,
                    metadata: ["fleet": "intralogistics"]
                )
            )
        }
        var connections: [Connection] = []
        func connect(_ a: Int, _ b: Int, _ kind: ConnectionKind) {
            guard a != b else { return }
            let s = devices[a].id
            let t = devices[b].id
            if connections.contains(where: { $0.duplicates(source: s, target: t, kind: kind) }) { return }
            connections.append(Connection(id: rng.nextUUID(), source: s, target: t, kind: kind, direction: .forward))
        }
        for members in lines where !members.isEmpty {
            let controller = members.first { devices[$0].kind == .workCenter } ?? members[0]
            for (a, b) in zip(members, members.dropFirst()) { connect(a, b, .production) }
            for m in members where m != controller && devices[m].kind != .conveyor { connect(m, controller, .data) }
            for (i, m) in members.enumerated() where devices[m].kind == .robotArm {
                if i > 0 { connect(members[i - 1], m, .power) }
                if let next = members[(i + 1)...].first(where: { devices[$0].kind == .workCenter }) { connect(m, next, .material) }
            }
        }
        for a in lineDevices..<devices.count {
            let storages = devices.indices.filter { devices[$0].kind == .storage }
            for s in storages.prefix(2 + (a % 3)) { connect(a, s, .material) }
        }
        self.devices = devices
        self.connections = connections
    }

    /// The plant as a scene state (its devices, then its connections), without a ledger:
    /// for rendering demos and benchmarks.
    func state(sceneID: UUID, name: String, recordedAtMicros: Int64 = 0) -> SceneState {
        var state = SceneState(sceneID: sceneID, name: name)
        var version: Int64 = 0
        for event in devices.map(SceneEvent.deviceAdded) + connections.map(SceneEvent.connectionCreated) {
            version += 1
            state.apply(event, version: version, recordedAtMicros: recordedAtMicros)
        }
        return state
    }

    static func name(_ kind: DeviceKind, line: Int, slot: Int) -> String {
        let label: String =
            switch kind {
            case .workCenter: "Work center"
            case .robotArm: "Robot arm"
            case .conveyor: "Conveyor"
            case .storage: "Storage"
            case .agv: "AGV"
            case .custom: "Device"
            }
        return "\(label) L\(line + 1)-\(slot + 1)"
    }
}
