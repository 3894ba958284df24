package import Foundation
import Crypto

/// The canonical form of a whole scene state, for snapshots and the state hash.
///
/// ```
/// {"scene": uuid, "name": string, "version": int, "sceneTime": int, "probeMarker": int,
///  "devices": [device...], "connections": [connection...], "participants": [participant...]}
/// ```
///
/// Devices use the `device.added` payload fields and connections the `connection.created`
/// ones. A participant is
/// `{"id","actor","role","camera","selection": uuid|null,"pointer": {"x","y"}|null}`.
/// Each list is sorted by the lowercase id string, so dictionary order never reaches the
/// bytes. The integers are JSON numbers and must stay within ±2^53 (versions do; scene time
/// in microseconds does until the year 2255).
///
/// `canonicalBytes` is `canonicalJSON.canonicalBytes`; `stateHash` is SHA-256 over them.
/// Decoding is strict (exact keys, no duplicate ids) and `init(canonicalBytes:)` also
/// requires the bytes to be in canonical form, so a decoded state re-encodes to exactly
/// the bytes it came from and a snapshot can be checked against a recorded state hash.
extension SceneState {
    static let jsonKeys: Set<String> = [
        "scene", "name", "version", "sceneTime", "probeMarker", "devices", "connections", "participants",
    ]
    static let participantKeys: Set<String> = ["id", "actor", "role", "camera", "selection", "pointer"]

    package var canonicalJSON: JSONValue {
        [
            "scene": sceneID.json,
            "name": .string(name),
            "version": .number(Double(version)),
            "sceneTime": .number(Double(sceneTimeMicros)),
            "probeMarker": .number(Double(probeMarker)),
            "devices": .array(SceneState.sortedByID(devices).map(\.json)),
            "connections": .array(SceneState.sortedByID(connections).map(\.json)),
            "participants": .array(SceneState.sortedByID(participants).map(SceneState.participantJSON)),
        ]
    }

    package var canonicalBytes: [UInt8] { canonicalJSON.canonicalBytes }

    /// SHA-256 over `canonicalBytes`.
    package var stateHash: [UInt8] { Array(SHA256.hash(data: canonicalBytes)) }

    package var stateHashHex: String { Hex.encode(stateHash) }

    package init(canonicalJSON json: JSONValue) throws(LedgerError) {
        let context = "scene state"
        let f = try JSONFields(json, context: context, allowed: SceneState.jsonKeys)
        self.init(sceneID: try f.required("scene").uuid(), name: try f.required("name").string())
        version = try f.required("version").int64()
        sceneTimeMicros = try f.required("sceneTime").int64()
        probeMarker = try f.required("probeMarker").int64()
        for element in try f.required("devices").array() {
            let device = try Device(json: element.value, context: context, path: element.path)
            guard devices.updateValue(device, forKey: device.id) == nil else {
                throw element.invalid("repeats device id \(device.id.lowercasedString)")
            }
        }
        for element in try f.required("connections").array() {
            let connection = try Connection(json: element.value, context: context, path: element.path)
            guard connections.updateValue(connection, forKey: connection.id) == nil else {
                throw element.invalid("repeats connection id \(connection.id.lowercasedString)")
            }
        }
        for element in try f.required("participants").array() {
            let participant = try SceneState.participant(from: element)
            guard participants.updateValue(participant, forKey: participant.id) == nil else {
                throw element.invalid("repeats participant id \(participant.id.lowercasedString)")
            }
        }
    }

    /// Parses and decodes canonical bytes, and checks that they are canonical.
    package init(canonicalBytes bytes: [UInt8]) throws(LedgerError) {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            throw LedgerError(.decoding, "scene state is not valid JSON: \(error)", underlying: error)
        }
        try self.init(canonicalJSON: json)
        guard canonicalBytes == bytes else {
            throw LedgerError(.decoding, "scene state of scene \(sceneID.lowercasedString) is not in canonical form")
        }
    }

    // MARK: - Pieces

    static func sortedByID<V: Identifiable>(_ values: [UUID: V]) -> [V] where V.ID == UUID {
        values.sorted { $0.key.lowercasedString.utf8.lexicographicallyPrecedes($1.key.lowercasedString.utf8) }
            .map(\.value)
    }

    static func participantJSON(_ p: Participant) -> JSONValue {
        [
            "id": p.id.json,
            "actor": p.actor.json,
            "role": .string(p.role.rawValue),
            "camera": p.camera.json,
            "selection": p.selection.map(\.json) ?? .null,
            "pointer": p.pointer.map { ["x": .number($0.x), "y": .number($0.y)] } ?? .null,
        ]
    }

    static func participant(from field: JSONField) throws(LedgerError) -> Participant {
        let f = try field.fields(allowed: participantKeys)
        let pointerField = try f.required("pointer")
        var pointer: Pointer?
        if pointerField.value != .null {
            let p = try pointerField.fields(allowed: ["x", "y"])
            pointer = Pointer(x: try p.required("x").double(), y: try p.required("y").double())
        }
        return Participant(
            id: try f.required("id").uuid(),
            actor: try f.required("actor").uuid(),
            role: try f.required("role").rawEnum(Role.self),
            camera: try f.required("camera").camera(),
            selection: try f.required("selection").nullableUUID(),
            pointer: pointer)
    }
}

extension Participant {
    /// The participant as the canonical state and the wire protocol write it.
    package var json: JSONValue { SceneState.participantJSON(self) }
}

extension Pointer {
    package var json: JSONValue { ["x": .number(x), "y": .number(y)] }
}

extension Optional where Wrapped == UUID {
    /// A lowercase UUID string, or null.
    package var json: JSONValue { map(\.json) ?? .null }
}
