package import Foundation
package import SceneLedger

/// What `scenecast replay` prints about a moment of a session.
package struct ReplaySummary: Sendable, Equatable {
    package struct Person: Sendable, Equatable {
        package var participant: UUID
        package var actor: UUID
        /// The display name, or the pseudonym (`actor-<id>`) when erased or never given.
        package var name: String
        package var role: Role
        package var isViewer: Bool
    }

    package var scene: UUID
    package var session: UUID
    package var version: Int64
    package var recordedAtMicros: Int64
    package var devices: Int
    package var connections: Int
    package var participants: [Person]
    package var driver: UUID?
    /// The device the session's participant had selected, with its name.
    package var selectedDevice: (id: UUID, name: String)?
    package var stateHash: [UInt8]
    /// Whether the session's participant was in the scene at that moment (else the frame
    /// uses a camera framing the whole plant).
    package var viewerPresent: Bool

    package init(state: SceneState, session: UUID, identities: [UUID: ActorIdentity]) {
        scene = state.sceneID
        self.session = session
        version = state.version
        recordedAtMicros = state.sceneTimeMicros
        devices = state.devices.count
        connections = state.connections.count
        participants = state.participants.values.sorted { $0.id.precedes($1.id) }.map { p in
            Person(
                participant: p.id, actor: p.actor, name: (identities[p.actor] ?? ActorIdentity(id: p.actor)).shownName, role: p.role,
                isViewer: p.id == session)
        }
        driver = state.driver?.id
        let viewer = state.participants[session]
        viewerPresent = viewer != nil
        selectedDevice = viewer?.selection.flatMap { id in state.devices[id].map { (id, $0.name) } }
        stateHash = state.stateHash
    }

    package static func == (a: ReplaySummary, b: ReplaySummary) -> Bool {
        a.json == b.json
    }

    package var json: JSONValue {
        [
            "scene": .string(scene.lowercasedString),
            "session": .string(session.lowercasedString),
            "version": .number(Double(version)),
            "recorded_at": .string(AuditTime.iso(recordedAtMicros)),
            "recorded_at_us": .number(Double(recordedAtMicros)),
            "devices": .number(Double(devices)),
            "connections": .number(Double(connections)),
            "participants": .array(
                participants.map { p in
                    [
                        "participant": .string(p.participant.lowercasedString), "actor": .string(p.actor.lowercasedString),
                        "name": .string(p.name), "role": .string(p.role.rawValue), "viewer": .bool(p.isViewer),
                        "driving": .bool(p.participant == driver),
                    ]
                }),
            "driver": driver.map { .string($0.lowercasedString) } ?? .null,
            "selected_device": selectedDevice.map { ["id": .string($0.id.lowercasedString), "name": .string($0.name)] } ?? .null,
            "viewer_present": .bool(viewerPresent),
            "state_hash": .string(Hex.encode(stateHash)),
        ]
    }

    /// Lines for people.
    package var lines: [String] {
        var out = [
            "scene \(scene.lowercasedString), session \(session.lowercasedString)",
            "version \(version), recorded_at \(AuditTime.iso(recordedAtMicros))",
            "\(devices) devices, \(connections) connections, \(participants.count) participants",
        ]
        for p in participants {
            var line = "  \(p.name) (participant \(p.participant.lowercasedString)): \(p.role.rawValue)"
            if p.participant == driver { line += ", driving" }
            if p.isViewer { line += ", this session" }
            out.append(line)
        }
        if !viewerPresent { out.append("this session's participant was not in the scene then; the frame frames the whole plant") }
        out.append("driver: " + (driver.map { id in participants.first { $0.participant == id }?.name ?? id.lowercasedString } ?? "none"))
        out.append("selected device: " + (selectedDevice.map { "\($0.name) (\($0.id.lowercasedString))" } ?? "none"))
        out.append("state hash \(Hex.encode(stateHash))")
        return out
    }
}
