/// A point or direction in scene space: metres, Y up, the ground plane at y = 0.
public struct Vec3: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public var z: Double

    public init(_ x: Double, _ y: Double, _ z: Double) {
        self.x = x
        self.y = y
        self.z = z
    }

    public static let zero = Vec3(0, 0, 0)
    public static let one = Vec3(1, 1, 1)

    package var isFinite: Bool { x.isFinite && y.isFinite && z.isFinite }

    package static func + (a: Vec3, b: Vec3) -> Vec3 { Vec3(a.x + b.x, a.y + b.y, a.z + b.z) }
    package static func - (a: Vec3, b: Vec3) -> Vec3 { Vec3(a.x - b.x, a.y - b.y, a.z - b.z) }
    package static func * (a: Vec3, s: Double) -> Vec3 { Vec3(a.x * s, a.y * s, a.z * s) }
    package func dot(_ b: Vec3) -> Double { x * b.x + y * b.y + z * b.z }
    package func cross(_ b: Vec3) -> Vec3 { Vec3(y * b.z - z * b.y, z * b.x - x * b.z, x * b.y - y * b.x) }
    package var length: Double { dot(self).squareRoot() }
    package var normalized: Vec3 {
        let l = length
        return l > 0 ? self * (1 / l) : self
    }
}
