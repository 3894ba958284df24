import Foundation

/// Accumulates procedural geometry into an indexed triangle `Mesh`.
///
/// Everything appended goes through the builder's current `transform`, so a part can be
/// written in its own local frame and placed with `with(_:_:)`. Positions transform as
/// points, normals with the inverse transpose (then renormalised), and a transform that
/// mirrors flips the winding so triangles stay counter-clockwise seen from outside.
///
/// The primitives (in `MeshBuilder+Primitives.swift` and `MeshBuilder+Shapes.swift`) keep
/// that convention: outward unit normals, counter-clockwise winding seen from outside,
/// and no zero-area triangles.
package struct MeshBuilder: Sendable {
    /// A 3D affine transform: a linear part given by its columns, then a translation.
    package struct Transform: Sendable, Equatable {
        package var x: SIMD3<Float>
        package var y: SIMD3<Float>
        package var z: SIMD3<Float>
        package var t: SIMD3<Float>

        package init(x: SIMD3<Float>, y: SIMD3<Float>, z: SIMD3<Float>, t: SIMD3<Float>) {
            self.x = x
            self.y = y
            self.z = z
            self.t = t
        }

        package static let identity = Transform(x: [1, 0, 0], y: [0, 1, 0], z: [0, 0, 1], t: .zero)

        package static func translation(_ v: SIMD3<Float>) -> Transform {
            var m = identity
            m.t = v
            return m
        }

        package static func scale(_ s: SIMD3<Float>) -> Transform {
            Transform(x: [s.x, 0, 0], y: [0, s.y, 0], z: [0, 0, s.z], t: .zero)
        }

        /// A right-handed rotation by `angle` radians about the unit-normalised `axis`.
        package static func rotation(axis: SIMD3<Float>, angle: Float) -> Transform {
            let a = V3.unit(axis)
            let (c, s) = (Float(cos(Double(angle))), Float(sin(Double(angle))))
            let k = 1 - c
            return Transform(
                x: [c + a.x * a.x * k, a.y * a.x * k + a.z * s, a.z * a.x * k - a.y * s],
                y: [a.x * a.y * k - a.z * s, c + a.y * a.y * k, a.z * a.y * k + a.x * s],
                z: [a.x * a.z * k + a.y * s, a.y * a.z * k - a.x * s, c + a.z * a.z * k],
                t: .zero)
        }

        package static func rotationX(_ angle: Float) -> Transform { rotation(axis: [1, 0, 0], angle: angle) }
        package static func rotationY(_ angle: Float) -> Transform { rotation(axis: [0, 1, 0], angle: angle) }
        package static func rotationZ(_ angle: Float) -> Transform { rotation(axis: [0, 0, 1], angle: angle) }

        package func apply(point p: SIMD3<Float>) -> SIMD3<Float> { x * p.x + y * p.y + z * p.z + t }
        package func apply(vector v: SIMD3<Float>) -> SIMD3<Float> { x * v.x + y * v.y + z * v.z }

        /// The determinant of the linear part; negative when the transform mirrors.
        package var determinant: Float { V3.dot(x, V3.cross(y, z)) }

        /// A normal carried through the transform (inverse transpose), unit length.
        package func apply(normal n: SIMD3<Float>) -> SIMD3<Float> {
            // The cofactor matrix is det · M⁻ᵀ; its sign is corrected for mirrors.
            let cof = V3.cross(y, z) * n.x + V3.cross(z, x) * n.y + V3.cross(x, y) * n.z
            return V3.unit(determinant < 0 ? -cof : cof)
        }

        /// `self` after `other`: `(self * other).apply(p) == self.apply(other.apply(p))`.
        package static func * (lhs: Transform, rhs: Transform) -> Transform {
            Transform(
                x: lhs.apply(vector: rhs.x), y: lhs.apply(vector: rhs.y), z: lhs.apply(vector: rhs.z),
                t: lhs.apply(point: rhs.t))
        }
    }

    private(set) package var positions: [Float] = []
    private(set) package var normals: [Float] = []
    private(set) package var indices: [UInt32] = []

    /// Applied to everything appended from now on.
    package var transform: Transform = .identity {
        didSet { mirrors = transform.determinant < 0 }
    }
    private var mirrors = false

    package init() {}

    package var vertexCount: Int { positions.count / 3 }
    package var triangleCount: Int { indices.count / 3 }

    /// Runs `body` with `local` applied inside the current transform, then restores it.
    package mutating func with(_ local: Transform, _ body: (inout MeshBuilder) -> Void) {
        let saved = transform
        transform = saved * local
        body(&self)
        transform = saved
    }

    /// Runs `body` translated by `offset`.
    package mutating func translated(_ offset: SIMD3<Float>, _ body: (inout MeshBuilder) -> Void) {
        with(.translation(offset), body)
    }

    // MARK: Low level

    /// Appends a vertex in local coordinates and returns its index.
    @discardableResult
    package mutating func vertex(_ p: SIMD3<Float>, normal n: SIMD3<Float>) -> UInt32 {
        let wp = transform.apply(point: p)
        let wn = transform.apply(normal: n)
        positions.append(contentsOf: [wp.x, wp.y, wp.z])
        normals.append(contentsOf: [wn.x, wn.y, wn.z])
        return UInt32(positions.count / 3 - 1)
    }

    /// A triangle of existing vertices, counter-clockwise seen from outside (in local space).
    package mutating func triangle(_ a: UInt32, _ b: UInt32, _ c: UInt32) {
        if mirrors {
            indices.append(contentsOf: [a, c, b])
        } else {
            indices.append(contentsOf: [a, b, c])
        }
    }

    /// A quad of existing vertices in counter-clockwise order, as two triangles.
    package mutating func quad(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) {
        triangle(a, b, c)
        triangle(a, c, d)
    }

    /// A flat-shaded triangle: its own three vertices with the normal of its winding.
    package mutating func flatTriangle(_ p0: SIMD3<Float>, _ p1: SIMD3<Float>, _ p2: SIMD3<Float>) {
        let n = V3.unit(V3.cross(p1 - p0, p2 - p0))
        let a = vertex(p0, normal: n)
        let b = vertex(p1, normal: n)
        let c = vertex(p2, normal: n)
        triangle(a, b, c)
    }

    /// A flat-shaded planar quad (counter-clockwise seen from outside) sharing one normal.
    package mutating func flatQuad(_ p0: SIMD3<Float>, _ p1: SIMD3<Float>, _ p2: SIMD3<Float>, _ p3: SIMD3<Float>) {
        let n = V3.unit(V3.cross(p1 - p0, p2 - p0) + V3.cross(p2 - p0, p3 - p0))
        let a = vertex(p0, normal: n)
        let b = vertex(p1, normal: n)
        let c = vertex(p2, normal: n)
        let d = vertex(p3, normal: n)
        quad(a, b, c, d)
    }

    // MARK: Output

    /// The box around everything appended so far (all zeros when empty).
    package var bounds: Mesh.Bounds { Mesh.Bounds(points: positions) }

    /// Moves everything appended so far so that its box is centred on x = z = 0 and its
    /// lowest point lies on y = 0.
    package mutating func placeOnGround() {
        let b = bounds
        let shift = SIMD3<Float>(-b.center.x, -b.min.y, -b.center.z)
        var i = 0
        while i + 2 < positions.count {
            positions[i] += shift.x
            positions[i + 1] += shift.y
            positions[i + 2] += shift.z
            i += 3
        }
    }

    /// The finished mesh.
    package func build() -> Mesh {
        Mesh(positions: positions, normals: normals, indices: indices, bounds: bounds)
    }
}

// MARK: Vector helpers

/// Small vector helpers for the procedural geometry, kept in a namespace.
enum V3 {
    static func dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }

    static func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    static func length(_ v: SIMD3<Float>) -> Float { dot(v, v).squareRoot() }

    /// `v` scaled to unit length; the zero vector stays zero.
    static func unit(_ v: SIMD3<Float>) -> SIMD3<Float> {
        let l = length(v)
        return l > 0 ? v / l : v
    }

    /// Two unit vectors `u`, `v` with `u × v == d` for a unit direction `d`.
    static func basis(around d: SIMD3<Float>) -> (u: SIMD3<Float>, v: SIMD3<Float>) {
        let helper: SIMD3<Float> = abs(d.y) < 0.9 ? [0, 1, 0] : [1, 0, 0]
        let u = unit(cross(helper, d))
        return (u, cross(d, u))
    }
}
