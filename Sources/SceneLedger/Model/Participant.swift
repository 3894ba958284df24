public import Foundation

/// What a participant may do: a driver edits, an observer watches.
public enum Role: String, CaseIterable, Sendable {
    case driver
    case observer
}

/// An orbit camera with three.js OrbitControls semantics.
public struct Camera: Hashable, Sendable {
    /// The point the camera orbits and looks at.
    public var target: Vec3
    /// Distance from the target, metres.
    public var distance: Double
    /// Rotation around the Y axis, degrees.
    public var azimuth: Double
    /// Angle above the ground plane, degrees, clamped to `elevationRange`.
    public var elevation: Double
    /// Vertical field of view, degrees.
    public var fov: Double

    public init(target: Vec3, distance: Double, azimuth: Double, elevation: Double, fov: Double) {
        self.target = target
        self.distance = distance
        self.azimuth = azimuth
        self.elevation = elevation
        self.fov = fov
    }

    public static let `default` = Camera(target: .zero, distance: 60, azimuth: 45, elevation: 35, fov: 50)

    public static let distanceRange: ClosedRange<Double> = 0.5...5_000
    public static let elevationRange: ClosedRange<Double> = -89...89
    public static let fovRange: ClosedRange<Double> = 10...120
}

/// A participant's pointer, in normalized view coordinates (0...1, origin top left).
public struct Pointer: Hashable, Sendable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// Someone in the scene: one joined session.
///
/// The participant id is the session id. `actor` is the pseudonymous id of the person
/// behind it; names and other identity live outside the ledger.
public struct Participant: Hashable, Sendable, Identifiable {
    public var id: UUID
    public var actor: UUID
    public var role: Role
    public var camera: Camera
    public var selection: UUID?
    public var pointer: Pointer?

    public init(id: UUID, actor: UUID, role: Role, camera: Camera = .default, selection: UUID? = nil, pointer: Pointer? = nil) {
        self.id = id
        self.actor = actor
        self.role = role
        self.camera = camera
        self.selection = selection
        self.pointer = pointer
    }
}
