public import Foundation

/// What a device is. The raw values are the wire and ledger spelling.
public enum DeviceKind: String, CaseIterable, Sendable {
    case workCenter = "work_center"
    case robotArm = "robot_arm"
    case conveyor
    case storage
    case agv
    case custom
}

/// Where a device's geometry comes from.
public enum ModelRef: Hashable, Sendable {
    /// A parametric model from the built-in equipment library, by name
    /// (`work_center`, `robot_arm`, `conveyor`, `storage`, `agv`).
    case builtin(String)
    /// An uploaded model, content-addressed by the lowercase hex SHA-256 of its bytes.
    case asset(String)

    /// The built-in model for a kind, used when a device names none.
    public static func defaultModel(for kind: DeviceKind) -> ModelRef {
        switch kind {
        case .custom: .builtin("work_center")
        default: .builtin(kind.rawValue)
        }
    }
}

/// One piece of equipment on the plant floor.
public struct Device: Hashable, Sendable, Identifiable {
    public var id: UUID
    public var kind: DeviceKind
    public var name: String
    public var model: ModelRef
    /// Metres, Y up.
    public var position: Vec3
    /// Euler angles in degrees, applied in X, Y, Z order.
    public var rotation: Vec3
    public var scale: Vec3
    /// Free-form metadata; values are JSON.
    package var metadata: [String: JSONValue]

    package init(
        id: UUID,
        kind: DeviceKind,
        name: String,
        model: ModelRef,
        position: Vec3,
        rotation: Vec3 = .zero,
        scale: Vec3 = .one,
        metadata: [String: JSONValue] = [:]
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.model = model
        self.position = position
        self.rotation = rotation
        self.scale = scale
        self.metadata = metadata
    }
}

extension Device {
    public static func == (a: Device, b: Device) -> Bool {
        a.id == b.id && a.kind == b.kind && a.name == b.name && a.model == b.model && a.position == b.position
            && a.rotation == b.rotation && a.scale == b.scale && a.metadata == b.metadata
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
    }
}
