import Foundation
package import SceneLedger

/// A 4×4 matrix of Floats in column-major order, as GLSL expects.
package struct Matrix4: Sendable, Equatable {
    package var m: [Float]

    package init(_ columnMajor: [Float]) {
        precondition(columnMajor.count == 16)
        m = columnMajor
    }

    package static let identity = Matrix4([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])

    package subscript(row: Int, column: Int) -> Float {
        get { m[column * 4 + row] }
        set { m[column * 4 + row] = newValue }
    }

    package static func * (a: Matrix4, b: Matrix4) -> Matrix4 {
        var r = [Float](repeating: 0, count: 16)
        for c in 0..<4 {
            for row in 0..<4 {
                var s: Float = 0
                for k in 0..<4 { s += a.m[k * 4 + row] * b.m[c * 4 + k] }
                r[c * 4 + row] = s
            }
        }
        return Matrix4(r)
    }

    package func transform(_ p: SIMD3<Float>) -> SIMD4<Float> {
        SIMD4(
            m[0] * p.x + m[4] * p.y + m[8] * p.z + m[12],
            m[1] * p.x + m[5] * p.y + m[9] * p.z + m[13],
            m[2] * p.x + m[6] * p.y + m[10] * p.z + m[14],
            m[3] * p.x + m[7] * p.y + m[11] * p.z + m[15]
        )
    }

    package static func translation(_ t: SIMD3<Float>) -> Matrix4 {
        Matrix4([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, t.x, t.y, t.z, 1])
    }

    package static func scale(_ s: SIMD3<Float>) -> Matrix4 {
        Matrix4([s.x, 0, 0, 0, 0, s.y, 0, 0, 0, 0, s.z, 0, 0, 0, 0, 1])
    }

    /// A rotation from a 3×3 basis given as columns.
    package static func basis(_ x: SIMD3<Float>, _ y: SIMD3<Float>, _ z: SIMD3<Float>) -> Matrix4 {
        Matrix4([x.x, x.y, x.z, 0, y.x, y.y, y.z, 0, z.x, z.y, z.z, 0, 0, 0, 0, 1])
    }

    /// The device's model matrix: translate · rotate (Euler degrees, X then Y then Z) · scale,
    /// the convention every module uses (see `Rotation3`).
    package static func device(_ d: Device) -> Matrix4 {
        let r = Rotation3(eulerDegrees: d.rotation)
        let rotation = Matrix4([
            Float(r.r0.x), Float(r.r1.x), Float(r.r2.x), 0,
            Float(r.r0.y), Float(r.r1.y), Float(r.r2.y), 0,
            Float(r.r0.z), Float(r.r1.z), Float(r.r2.z), 0,
            0, 0, 0, 1,
        ])
        return translation(SIMD3(Float(d.position.x), Float(d.position.y), Float(d.position.z))) * rotation
            * scale(SIMD3(Float(d.scale.x), Float(d.scale.y), Float(d.scale.z)))
    }

    /// A right-handed perspective projection onto OpenGL clip space.
    package static func perspective(fovYDegrees: Double, aspect: Double, near: Double, far: Double) -> Matrix4 {
        let f = Float(1 / tan(fovYDegrees * .pi / 360))
        let (n, fa) = (Float(near), Float(far))
        return Matrix4([
            f / Float(aspect), 0, 0, 0,
            0, f, 0, 0,
            0, 0, (fa + n) / (n - fa), -1,
            0, 0, 2 * fa * n / (n - fa), 0,
        ])
    }

    /// The view matrix of an eye looking along `forward` with `up`.
    package static func view(eye: SIMD3<Float>, forward: SIMD3<Float>, up: SIMD3<Float>) -> Matrix4 {
        let f = normalize(forward)
        let s = normalize(cross(f, up))
        let u = cross(s, f)
        return Matrix4([
            s.x, u.x, -f.x, 0,
            s.y, u.y, -f.y, 0,
            s.z, u.z, -f.z, 0,
            -dot(s, eye), -dot(u, eye), dot(f, eye), 1,
        ])
    }
}

@inline(__always) package func dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }
@inline(__always) package func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}
@inline(__always) package func normalize(_ a: SIMD3<Float>) -> SIMD3<Float> {
    let l = dot(a, a).squareRoot()
    return l > 0 ? a / l : a
}

extension Vec3 {
    package var simd: SIMD3<Float> { SIMD3(Float(x), Float(y), Float(z)) }
}
