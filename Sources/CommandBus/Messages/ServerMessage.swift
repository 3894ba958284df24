package import Foundation
package import SceneLedger

/// A message from the server to a client, encoded as compact JSON with a `type` field.
package enum ServerMessage: Sendable {
    /// The session joined a scene.
    case joined(session: UUID, participant: UUID, role: Role, scene: UUID, iceServers: [JSONValue] = [])
    /// The command `ref` was committed; the scene is now at `version`.
    case ack(ref: UUID, version: Int64)
    /// A command was refused.
    case error(CommandError)
    /// The whole scene, for a client that joins or falls behind.
    /// `names` are the display names of connected participants, by participant id: they
    /// come from the live sessions, never from the ledger (which holds only actor ids).
    case stateFull(SceneState, names: [UUID: String] = [:])
    /// Events just applied to the live state, which is now at `version` (the last event's),
    /// caused by command `ref` when known. Sent before the commit; `ack` follows it.
    /// `state` is the state after they were applied: device and participant changes carry
    /// the whole resulting entity from it.
    /// `from`, when set, is the first version it covers: the versions before the first
    /// change's were other participants' presence, sent to this recipient coalesced.
    case stateUpdate(
        ref: UUID?, version: Int64, events: [SceneEvent], state: SceneState, names: [UUID: String] = [:], from: Int64? = nil)

    /// The wire `type`.
    package var type: String {
        switch self {
        case .joined: "joined"
        case .ack: "ack"
        case .error: "error"
        case .stateFull: "state:full"
        case .stateUpdate: "state:update"
        }
    }

    package func encoded() -> [UInt8] {
        json.canonicalBytes
    }

    package var json: JSONValue {
        var fields: [String: JSONValue] = ["type": .string(type)]
        switch self {
        case .joined(let session, let participant, let role, let scene, let iceServers):
            fields["session"] = session.json
            fields["participant"] = participant.json
            fields["role"] = .string(role.rawValue)
            fields["scene"] = scene.json
            fields["iceServers"] = .array(iceServers)
        case .ack(let ref, let version):
            fields["ref"] = ref.json
            fields["version"] = .number(Double(version))
        case .error(let error):
            fields["ref"] = error.ref.json
            fields["code"] = .string(error.code.rawValue)
            fields["message"] = .string(error.message)
        case .stateFull(let state, let names):
            fields["scene"] = state.sceneID.json
            fields["name"] = .string(state.name)
            fields["version"] = .number(Double(state.version))
            fields["sceneTime"] = .number(Double(state.sceneTimeMicros))
            fields["devices"] = .array(Self.sortedByID(state.devices).map(\.json))
            fields["connections"] = .array(Self.sortedByID(state.connections).map(\.json))
            fields["participants"] = .array(Self.sortedByID(state.participants).map { Self.named($0.json, names[$0.id]) })
            fields["probeMarker"] = .number(Double(state.probeMarker))
        case .stateUpdate(let ref, let version, let events, let state, let names, let from):
            fields["ref"] = ref.json
            if let from { fields["from"] = .number(Double(from)) }
            fields["version"] = .number(Double(version))
            fields["changes"] = .array(
                events.map { event in
                    let change = Self.change(event, in: state)
                    guard event.type.hasPrefix("participant."), var entry = change.objectValue,
                        let data = entry["data"], let id = data["id"]?.stringValue.flatMap(UUID.init(uuidString:))
                    else { return change }
                    entry["data"] = Self.named(data, names[id])
                    return .object(entry)
                }
            )
        }
        return .object(fields)
    }

    /// A participant object with its display name, when the participant is connected.
    private static func named(_ participant: JSONValue, _ name: String?) -> JSONValue {
        guard let name, !name.isEmpty, var fields = participant.objectValue else { return participant }
        fields["name"] = .string(name)
        return .object(fields)
    }

    private static func sortedByID<T>(_ entities: [UUID: T]) -> [T] {
        entities.sorted { $0.key.precedes($1.key) }.map(\.value)
    }
}
