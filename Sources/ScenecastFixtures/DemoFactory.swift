package import Foundation
import Renderer
package import SceneLedger

/// A deterministic demo plant of N devices, laid out as a plant is:
///
/// - **Production lines** along X, each `pattern` long: an input storage rack, then
///   conveyor, work center, robot cell, … and a finished-goods rack. Lines stand
///   `linePitch` apart in Z, in bays of columns `columnPitch` apart, the whole hall centred
///   on the origin. Devices of a line stand `gap` apart, edge to edge.
/// - **Production flow** joins each station to the next one of its line, in order.
/// - **Material flow** starts at storage: each line's input rack feeds its first station,
///   and the AGVs in the aisles carry a line's finished goods to the next line's input rack.
/// - **Data** from each line's other work centers to its first (the line controller), and
///   **power** from each work center to the robot cell beside it.
///
/// The same N always gives the same ids, names, positions and connections; devices carry
/// `line` and `cell` (1-based) in their metadata.
package struct DemoFactory: Sendable {
    package let devices: [Device]
    package let connections: [Connection]

    /// One production line, in the order its stations feed each other.
    package static let pattern: [DeviceKind] = [
        .storage, .conveyor, .workCenter, .robotArm, .conveyor, .workCenter, .robotArm, .conveyor, .workCenter, .storage,
    ]
    /// Metres between neighbouring devices of a line, edge to edge.
    package static let gap = 1.0
    /// Metres between the centre lines of neighbouring lines (the aisle the AGVs drive in).
    package static let linePitch = 10.0
    /// Metres between the starts of neighbouring columns of lines.
    package static let columnPitch = 62.0

    /// The floor space (X by Z, metres) of a device of `kind` turned by `yaw` degrees: the
    /// built-in model's bounds, as the renderer and the picker use them.
    package static func footprint(of kind: DeviceKind, yaw: Double = 0) -> (x: Double, z: Double) {
        let size = DeviceBounds.size(of: kind)
        let quarterTurns = Int((yaw / 90).rounded()) & 3
        return quarterTurns % 2 == 0 ? (size.x, size.z) : (size.z, size.x)
    }

    /// The X offsets of a full line's device centres from the line's start.
    package static let slotOffsets: [Double] = {
        var x = 0.0
        return pattern.map { kind in
            let width = footprint(of: kind).x
            defer { x += width + gap }
            return x + width / 2
        }
    }()

    /// A full line's length in X, metres.
    package static let lineLength = slotOffsets[pattern.count - 1] + footprint(of: pattern[pattern.count - 1]).x / 2

    /// The number of AGVs in a plant of `n` devices: one per 25 devices, at least one from 10.
    package static func agvCount(devices n: Int) -> Int { max(n / 25, n >= 10 ? 1 : 0) }

    package init(deviceCount n: Int) {
        var rng = SplitMix64(seed: 0x5CE_7E_CA57 &+ UInt64(n))
        let agvCount = Self.agvCount(devices: n)
        let lineDevices = n - agvCount
        let perLine = Self.pattern.count
        let lineCount = max(1, (lineDevices + perLine - 1) / perLine)
        // Bays about as deep as they are wide: lines of ~48 m, 10 m apart.
        let columns = max(1, Int((Double(lineCount) * Self.linePitch / Self.columnPitch).squareRoot().rounded(.up)))
        let rows = (lineCount + columns - 1) / columns
        // Centred on the origin; a plant of one line not yet complete, on what it has.
        let firstLine = min(lineDevices, perLine) - 1
        let lastLength = lineCount > 1 ? Self.lineLength : Self.slotOffsets[firstLine] + Self.footprint(of: Self.pattern[firstLine]).x / 2
        let width = Double(columns - 1) * Self.columnPitch + lastLength
        func lineOrigin(_ line: Int) -> (x: Double, z: Double) {
            (Double(line / rows) * Self.columnPitch - width / 2, (Double(line % rows) - Double(rows - 1) / 2) * Self.linePitch)
        }

        var devices: [Device] = []
        var lines: [[Int]] = Array(repeating: [], count: lineCount)
        for i in 0..<lineDevices {
            let (line, slot) = (i / perLine, i % perLine)
            let kind = Self.pattern[slot]
            let origin = lineOrigin(line)
            let yaw: Double = kind == .robotArm ? [0, 90, 180, 270][Int(rng.next() % 4)] : 0
            devices.append(
                Device(
                    id: rng.nextUUID(), kind: kind, name: Self.name(kind, line: line, slot: slot),
                    model: ModelRef.defaultModel(for: kind), position: Vec3(origin.x + Self.slotOffsets[slot], 0, origin.z),
                    rotation: Vec3(0, yaw, 0), scale: .one,
                    metadata: ["line": .number(Double(line + 1)), "cell": .number(Double(slot + 1))]
                )
            )
            lines[line].append(devices.count - 1)
        }
        // AGV a drives in the aisle after line a, halfway along it, carrying that line's
        // finished goods to the next line of its column (the last line's to its own start).
        var routes: [(agv: Int, from: Int, to: Int)] = []
        for a in 0..<agvCount {
            let line = a % lineCount
            let origin = lineOrigin(line)
            let next = line + 1 < lineCount && (line + 1) % rows != 0 ? line + 1 : line
            // More AGVs than lines (never with the fixed ratio) would share an aisle, 3 m apart.
            let x = origin.x + Self.lineLength / 2 + Double(a / lineCount) * 3
            devices.append(
                Device(
                    id: rng.nextUUID(), kind: .agv, name: "AGV \(a + 1)", model: .defaultModel(for: .agv),
                    position: Vec3(x, 0, origin.z + Self.linePitch / 2), rotation: .zero, scale: .one,
                    metadata: ["fleet": "intralogistics"]
                )
            )
            routes.append((devices.count - 1, line, next))
        }

        var connections: [Connection] = []
        func connect(_ a: Int, _ b: Int, _ kind: ConnectionKind) {
            guard a != b else { return }
            let (s, t) = (devices[a].id, devices[b].id)
            if connections.contains(where: { $0.duplicates(source: s, target: t, kind: kind) }) { return }
            connections.append(Connection(id: rng.nextUUID(), source: s, target: t, kind: kind, direction: .forward))
        }
        for members in lines where !members.isEmpty {
            // The input rack feeds the line; every later station feeds the next.
            if members.count > 1 { connect(members[0], members[1], .material) }
            for (a, b) in zip(members.dropFirst(), members.dropFirst(2)) { connect(a, b, .production) }
            let workCenters = members.filter { devices[$0].kind == .workCenter }
            if let controller = workCenters.first {
                for m in workCenters.dropFirst() { connect(m, controller, .data) }
            }
            for (i, m) in members.enumerated() where devices[m].kind == .robotArm { connect(members[i - 1], m, .power) }
        }
        for route in routes {
            let from = lines[route.from]
            let to = lines[route.to]
            // Finished goods (or, on a line not yet complete, its input rack) to the AGV,
            // then to the next line's input rack.
            let pickup = from.last.flatMap { devices[$0].kind == .storage && from.count > 1 ? $0 : nil } ?? from[0]
            connect(pickup, route.agv, .material)
            if to[0] != pickup { connect(route.agv, to[0], .material) }
        }
        self.devices = devices
        self.connections = connections
    }

    /// The plant as a scene state (its devices, then its connections), without a ledger:
    /// for rendering demos and benchmarks.
    package func state(sceneID: UUID, name: String, recordedAtMicros: Int64 = 0) -> SceneState {
        var state = SceneState(sceneID: sceneID, name: name)
        var version: Int64 = 0
        for event in devices.map(SceneEvent.deviceAdded) + connections.map(SceneEvent.connectionCreated) {
            version += 1
            state.apply(event, version: version, recordedAtMicros: recordedAtMicros)
        }
        return state
    }

    package static func name(_ kind: DeviceKind, line: Int, slot: Int) -> String {
        let label: String =
            switch kind {
            case .workCenter: "Work center"
            case .robotArm: "Robot arm"
            case .conveyor: "Conveyor"
            case .storage: slot == 0 ? "Input storage" : "Output storage"
            case .agv: "AGV"
            case .custom: "Device"
            }
        return "\(label) L\(line + 1)-\(slot + 1)"
    }
}
