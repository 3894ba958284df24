package import Foundation
package import SceneLedger

/// The JSON shapes of scene entities in outgoing messages, the same shapes the ledger
/// payloads use. UUIDs are lowercase canonical strings, vectors `[x, y, z]`.

extension Vec3 {
    package var wireJSON: JSONValue { .array([.number(x), .number(y), .number(z)]) }
}

extension UUID {
    package var wireJSON: JSONValue { .string(WireUUID.format(self)) }
}

extension Optional where Wrapped == UUID {
    package var wireJSON: JSONValue { map(\.wireJSON) ?? .null }
}

extension ModelRef {
    /// `{"builtin": name}` or `{"asset": sha256hex}`.
    package var wireJSON: JSONValue {
        switch self {
        case .builtin(let name): ["builtin": .string(name)]
        case .asset(let hash): ["asset": .string(hash)]
        }
    }
}

extension Device {
    package var wireJSON: JSONValue {
        [
            "id": id.wireJSON,
            "kind": .string(kind.rawValue),
            "name": .string(name),
            "model": model.wireJSON,
            "position": position.wireJSON,
            "rotation": rotation.wireJSON,
            "scale": scale.wireJSON,
            "metadata": .object(metadata),
        ]
    }
}

extension Connection {
    package var wireJSON: JSONValue {
        [
            "id": id.wireJSON,
            "source": source.wireJSON,
            "target": target.wireJSON,
            "kind": .string(kind.rawValue),
            "direction": .string(direction.rawValue),
        ]
    }
}

extension Camera {
    package var wireJSON: JSONValue {
        [
            "target": target.wireJSON,
            "distance": .number(distance),
            "azimuth": .number(azimuth),
            "elevation": .number(elevation),
            "fov": .number(fov),
        ]
    }
}

extension Pointer {
    package var wireJSON: JSONValue { ["x": .number(x), "y": .number(y)] }
}

extension Participant {
    package var wireJSON: JSONValue {
        [
            "id": id.wireJSON,
            "actor": actor.wireJSON,
            "role": .string(role.rawValue),
            "camera": camera.wireJSON,
            "selection": selection.wireJSON,
            "pointer": pointer?.wireJSON ?? .null,
        ]
    }
}

extension DeviceUpdate {
    /// `id` plus the fields the update sets.
    package var wireJSON: JSONValue {
        var fields: [String: JSONValue] = ["id": id.wireJSON]
        if let kind { fields["kind"] = .string(kind.rawValue) }
        if let name { fields["name"] = .string(name) }
        if let model { fields["model"] = model.wireJSON }
        if let position { fields["position"] = position.wireJSON }
        if let rotation { fields["rotation"] = rotation.wireJSON }
        if let scale { fields["scale"] = scale.wireJSON }
        if let metadata { fields["metadata"] = .object(metadata) }
        return .object(fields)
    }
}
