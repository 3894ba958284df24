import Foundation

/// The stored form of events: `(type, schemaVersion, payload)`.
///
/// The payload is a JSON object; its canonical bytes (`JSONValue.canonicalBytes`) are what
/// the ledger stores and hashes. Field names are camelCase, UUIDs are lowercase strings,
/// a `Vec3` is `[x, y, z]`, a camera is
/// `{"target":[x,y,z],"distance":d,"azimuth":a,"elevation":e,"fov":f}` and a model
/// reference is `{"builtin":"robot_arm"}` or `{"asset":"<64 lowercase hex sha256>"}`.
///
/// Schema version 1 of every type:
///
/// | type                      | payload fields                                                            |
/// |---------------------------|---------------------------------------------------------------------------|
/// | `scene.created`           | `name`                                                                    |
/// | `device.added`            | `id`, `kind`, `name`, `model`, `position`, `rotation`, `scale`, `metadata` |
/// | `device.moved`            | `id`, `position`                                                          |
/// | `device.updated`          | `id`, plus any of `kind`, `name`, `model`, `position`, `rotation`, `scale`, `metadata` (absent = unchanged; `metadata` replaces the whole object) |
/// | `device.removed`          | `id`                                                                      |
/// | `connection.created`      | `id`, `source`, `target`, `kind`, `direction`                             |
/// | `connection.removed`      | `id`                                                                      |
/// | `participant.joined`      | `participant`, `actor`, `role`                                            |
/// | `participant.left`        | `participant`                                                             |
/// | `participant.role_changed`| `participant`, `role`                                                     |
/// | `camera.changed`          | `participant`, `camera`                                                   |
/// | `selection.changed`       | `participant`, `device` (a UUID or `null`)                                |
/// | `pointer.moved`           | `participant`, `x`, `y`                                                   |
/// | `latency.probed`          | `participant`, `probe`                                                    |
/// | `actor.erased`            | `actor`                                                                   |
///
/// `kind`, `role` and `direction` are the raw values of `DeviceKind`, `Role`,
/// `ConnectionKind` and `ConnectionDirection`. `metadata` is an object nesting at most
/// `SceneEvent.maxMetadataDepth` levels, so that a device always fits in a snapshot.
///
/// Decoding is strict: a missing field, an unexpected field, a value of the wrong type, an
/// unknown type or an unknown schema version is a `LedgerError(.decoding)` naming the type
/// and the field. Stored events are never rewritten, so every `(type, version)` pair ever
/// written keeps a decoder in `decode(type:schemaVersion:payload:)`; a new payload version
/// adds a case there and bumps `schemaVersion` for new writes.
extension SceneEvent {
    /// Metadata objects nest at most this deep (the object itself is level 1). Together with
    /// the JSON parser's limit this guarantees that a device's metadata fits both in an
    /// event payload and inside a snapshot, where it sits three levels down.
    package static let maxMetadataDepth = 16

    /// Current schema version of this event's payload.
    package var schemaVersion: Int16 { 1 }

    /// The payload as a JSON object; `payloadBytes` is its canonical form.
    package var payload: JSONValue {
        switch self {
        case .sceneCreated(let name):
            ["name": .string(name)]
        case .deviceAdded(let device):
            device.json
        case .deviceMoved(let id, let position):
            ["id": id.json, "position": position.json]
        case .deviceUpdated(let update):
            update.json
        case .deviceRemoved(let id):
            ["id": id.json]
        case .connectionCreated(let connection):
            connection.json
        case .connectionRemoved(let id):
            ["id": id.json]
        case .participantJoined(let participant, let actor, let role):
            ["participant": participant.json, "actor": actor.json, "role": .string(role.rawValue)]
        case .participantLeft(let participant):
            ["participant": participant.json]
        case .roleChanged(let participant, let role):
            ["participant": participant.json, "role": .string(role.rawValue)]
        case .cameraChanged(let participant, let camera):
            ["participant": participant.json, "camera": camera.json]
        case .selectionChanged(let participant, let device):
            ["participant": participant.json, "device": device.map(\.json) ?? .null]
        case .pointerMoved(let participant, let pointer):
            ["participant": participant.json, "x": .number(pointer.x), "y": .number(pointer.y)]
        case .latencyProbed(let participant, let probe):
            ["participant": participant.json, "probe": .string(probe)]
        case .actorErased(let actor):
            ["actor": actor.json]
        }
    }

    /// The canonical bytes of `payload`, as stored and hashed.
    package var payloadBytes: [UInt8] { payload.canonicalBytes }

    /// Every event type, for telling an unknown type from an unknown version.
    package static let knownTypes: Set<String> = [
        "scene.created", "device.added", "device.moved", "device.updated", "device.removed",
        "connection.created", "connection.removed", "participant.joined", "participant.left",
        "participant.role_changed", "camera.changed", "selection.changed", "pointer.moved",
        "latency.probed", "actor.erased",
    ]

    /// Parses stored payload bytes, then decodes them like `decode(type:schemaVersion:payload:)`.
    package static func decode(type: String, schemaVersion: Int16, payloadBytes: [UInt8]) throws(LedgerError)
        -> SceneEvent
    {
        let payload: JSONValue
        do {
            payload = try JSONValue.parse(payloadBytes)
        } catch {
            throw LedgerError(.decoding, "\(type) payload is not valid JSON: \(error)", underlying: error)
        }
        return try decode(type: type, schemaVersion: schemaVersion, payload: payload)
    }

    /// Decodes any payload version ever written.
    package static func decode(type: String, schemaVersion: Int16, payload: JSONValue) throws(LedgerError)
        -> SceneEvent
    {
        let context = "\(type) payload"
        func fields(_ allowed: Set<String>) throws(LedgerError) -> JSONFields {
            try JSONFields(payload, context: context, allowed: allowed)
        }
        switch (type, schemaVersion) {
        case ("scene.created", 1):
            let f = try fields(["name"])
            return .sceneCreated(name: try f.required("name").string())
        case ("device.added", 1):
            return .deviceAdded(try Device(json: payload, context: context))
        case ("device.moved", 1):
            let f = try fields(["id", "position"])
            return .deviceMoved(id: try f.required("id").uuid(), position: try f.required("position").vec3())
        case ("device.updated", 1):
            return .deviceUpdated(try DeviceUpdate(json: payload, context: context))
        case ("device.removed", 1):
            let f = try fields(["id"])
            return .deviceRemoved(id: try f.required("id").uuid())
        case ("connection.created", 1):
            return .connectionCreated(try Connection(json: payload, context: context))
        case ("connection.removed", 1):
            let f = try fields(["id"])
            return .connectionRemoved(id: try f.required("id").uuid())
        case ("participant.joined", 1):
            let f = try fields(["participant", "actor", "role"])
            return .participantJoined(
                participant: try f.required("participant").uuid(),
                actor: try f.required("actor").uuid(),
                role: try f.required("role").rawEnum(Role.self))
        case ("participant.left", 1):
            let f = try fields(["participant"])
            return .participantLeft(participant: try f.required("participant").uuid())
        case ("participant.role_changed", 1):
            let f = try fields(["participant", "role"])
            return .roleChanged(
                participant: try f.required("participant").uuid(), role: try f.required("role").rawEnum(Role.self))
        case ("camera.changed", 1):
            let f = try fields(["participant", "camera"])
            return .cameraChanged(
                participant: try f.required("participant").uuid(), camera: try f.required("camera").camera())
        case ("selection.changed", 1):
            let f = try fields(["participant", "device"])
            return .selectionChanged(
                participant: try f.required("participant").uuid(), device: try f.required("device").nullableUUID())
        case ("pointer.moved", 1):
            let f = try fields(["participant", "x", "y"])
            return .pointerMoved(
                participant: try f.required("participant").uuid(),
                pointer: Pointer(x: try f.required("x").double(), y: try f.required("y").double()))
        case ("latency.probed", 1):
            let f = try fields(["participant", "probe"])
            return .latencyProbed(
                participant: try f.required("participant").uuid(), probe: try f.required("probe").string())
        case ("actor.erased", 1):
            let f = try fields(["actor"])
            return .actorErased(actor: try f.required("actor").uuid())
        // A new payload version adds its case here, e.g. `case ("device.added", 2):`, and
        // the version-1 case above stays, since version-1 events stay in the ledger forever.
        default:
            if knownTypes.contains(type) {
                throw LedgerError(.decoding, "\(type): unsupported payload schema version \(schemaVersion)")
            }
            throw LedgerError(.decoding, "unknown event type \"\(type)\" (schema version \(schemaVersion))")
        }
    }
}

extension RecordedEvent {
    /// The event this row records, decoded from its type, schema version and payload bytes.
    package func decodedEvent() throws(LedgerError) -> SceneEvent {
        try SceneEvent.decode(type: type, schemaVersion: schemaVersion, payloadBytes: payload)
    }
}

// MARK: - Model values in payloads (shared with the canonical state form)

extension Device {
    static let jsonKeys: Set<String> = ["id", "kind", "name", "model", "position", "rotation", "scale", "metadata"]

    /// The `device.added` payload; also a device's entry in the canonical state.
    package var json: JSONValue {
        [
            "id": id.json, "kind": .string(kind.rawValue), "name": .string(name), "model": model.json,
            "position": position.json, "rotation": rotation.json, "scale": scale.json,
            "metadata": .object(metadata),
        ]
    }

    package init(json: JSONValue, context: String, path: String = "") throws(LedgerError) {
        let f = try JSONFields(json, context: context, path: path, allowed: Device.jsonKeys)
        self.init(
            id: try f.required("id").uuid(),
            kind: try f.required("kind").rawEnum(DeviceKind.self),
            name: try f.required("name").string(),
            model: try f.required("model").modelRef(),
            position: try f.required("position").vec3(),
            rotation: try f.required("rotation").vec3(),
            scale: try f.required("scale").vec3(),
            metadata: try f.required("metadata").metadata())
    }
}

extension DeviceUpdate {
    /// The `device.updated` payload: `id` plus the fields that change.
    package var json: JSONValue {
        var o: [String: JSONValue] = ["id": id.json]
        if let kind { o["kind"] = .string(kind.rawValue) }
        if let name { o["name"] = .string(name) }
        if let model { o["model"] = model.json }
        if let position { o["position"] = position.json }
        if let rotation { o["rotation"] = rotation.json }
        if let scale { o["scale"] = scale.json }
        if let metadata { o["metadata"] = .object(metadata) }
        return .object(o)
    }

    package init(json: JSONValue, context: String) throws(LedgerError) {
        let f = try JSONFields(json, context: context, allowed: Device.jsonKeys)
        self.init(
            id: try f.required("id").uuid(),
            kind: try f.optional("kind")?.rawEnum(DeviceKind.self),
            name: try f.optional("name")?.string(),
            model: try f.optional("model")?.modelRef(),
            position: try f.optional("position")?.vec3(),
            rotation: try f.optional("rotation")?.vec3(),
            scale: try f.optional("scale")?.vec3(),
            metadata: try f.optional("metadata")?.metadata())
    }
}

extension Connection {
    static let jsonKeys: Set<String> = ["id", "source", "target", "kind", "direction"]

    /// The `connection.created` payload; also a connection's entry in the canonical state.
    package var json: JSONValue {
        [
            "id": id.json, "source": source.json, "target": target.json, "kind": .string(kind.rawValue),
            "direction": .string(direction.rawValue),
        ]
    }

    package init(json: JSONValue, context: String, path: String = "") throws(LedgerError) {
        let f = try JSONFields(json, context: context, path: path, allowed: Connection.jsonKeys)
        self.init(
            id: try f.required("id").uuid(),
            source: try f.required("source").uuid(),
            target: try f.required("target").uuid(),
            kind: try f.required("kind").rawEnum(ConnectionKind.self),
            direction: try f.required("direction").rawEnum(ConnectionDirection.self))
    }
}

extension Camera {
    /// `{"target":[x,y,z],"distance":d,"azimuth":a,"elevation":e,"fov":f}`.
    package var json: JSONValue {
        [
            "target": target.json, "distance": .number(distance), "azimuth": .number(azimuth),
            "elevation": .number(elevation), "fov": .number(fov),
        ]
    }
}

extension ModelRef {
    /// `{"builtin": name}` or `{"asset": sha256hex}`.
    package var json: JSONValue {
        switch self {
        case .builtin(let name): ["builtin": .string(name)]
        case .asset(let hash): ["asset": .string(hash)]
        }
    }
}

extension JSONField {
    package func camera() throws(LedgerError) -> Camera {
        let f = try fields(allowed: ["target", "distance", "azimuth", "elevation", "fov"])
        return Camera(
            target: try f.required("target").vec3(),
            distance: try f.required("distance").double(),
            azimuth: try f.required("azimuth").double(),
            elevation: try f.required("elevation").double(),
            fov: try f.required("fov").double())
    }

    /// Exactly one of `builtin` (a non-empty name) or `asset` (64 lowercase hex digits).
    package func modelRef() throws(LedgerError) -> ModelRef {
        let f = try fields(allowed: ["builtin", "asset"])
        switch (f.optional("builtin"), f.optional("asset")) {
        case (let builtin?, nil):
            let name = try builtin.string()
            guard !name.isEmpty else { throw builtin.invalid("must not be empty") }
            return .builtin(name)
        case (nil, let asset?):
            let hash = try asset.string()
            guard Hex.isLowercase(hash, byteCount: 32) else {
                throw asset.invalid("must be a SHA-256 in 64 lowercase hex digits, got \"\(hash)\"")
            }
            return .asset(hash)
        default:
            throw invalid("must have exactly one of \"builtin\" or \"asset\"")
        }
    }

    /// A device's metadata: an object nesting at most `SceneEvent.maxMetadataDepth` levels.
    package func metadata() throws(LedgerError) -> [String: JSONValue] {
        let o = try object()
        guard value.nestingDepth <= SceneEvent.maxMetadataDepth else {
            throw invalid("nests deeper than \(SceneEvent.maxMetadataDepth) levels")
        }
        return o
    }
}
