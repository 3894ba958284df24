import Foundation
package import SceneLedger

/// A camera's view and projection for one view size, and its frustum for culling.
package struct ViewProjection: Sendable {
    package let view: Matrix4
    package let projection: Matrix4
    package let viewProjection: Matrix4
    package let eye: SIMD3<Float>
    /// Planes (normal, offset) with normals pointing into the frustum.
    package let planes: [SIMD4<Float>]
    package let viewportHeight: Int
    package let viewportWidth: Int
    package let fovYDegrees: Double
    /// The far clipping distance, in metres.
    package let far: Float
    /// How far the camera looks down, in degrees (its elevation).
    package let pitchDownDegrees: Double
    /// The view direction flattened onto the ground, unit length (+z when looking straight down).
    package let forwardOnGround: SIMD3<Float>

    package init(camera: Camera, width: Int, height: Int) {
        let basis = camera.controlBasis
        eye = basis.eye.simd
        // Near and far follow the orbit distance so depth precision suits any zoom.
        let near = max(0.05, camera.distance / 500)
        let far = camera.distance * 20 + 500
        view = Matrix4.view(eye: eye, forward: basis.forward.simd, up: basis.up.simd)
        projection = Matrix4.perspective(fovYDegrees: camera.fov, aspect: Double(width) / Double(height), near: near, far: far)
        viewProjection = projection * view
        planes = ViewProjection.frustumPlanes(viewProjection)
        viewportHeight = height
        viewportWidth = width
        fovYDegrees = camera.fov
        self.far = Float(far)
        pitchDownDegrees = camera.elevation
        let f = basis.forward.simd
        let flat = SIMD3<Float>(f.x, 0, f.z)
        let length = dot(flat, flat).squareRoot()
        forwardOnGround = length > 1e-4 ? flat / length : SIMD3(0, 0, 1)
    }

    /// Gribb–Hartmann plane extraction from the combined matrix.
    static func frustumPlanes(_ m: Matrix4) -> [SIMD4<Float>] {
        func row(_ r: Int) -> SIMD4<Float> { SIMD4(m[r, 0], m[r, 1], m[r, 2], m[r, 3]) }
        let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3))
        return [r3 + r0, r3 - r0, r3 + r1, r3 - r1, r3 + r2, r3 - r2].map { p in
            let n = (p.x * p.x + p.y * p.y + p.z * p.z).squareRoot()
            return p / n
        }
    }

    /// False when the sphere lies wholly outside the frustum.
    package func isVisible(center: SIMD3<Float>, radius: Float) -> Bool {
        for p in planes where p.x * center.x + p.y * center.y + p.z * center.z + p.w < -radius { return false }
        return true
    }

    /// The length on screen, in pixels, of the segment a–b; its length in front of the eye
    /// when an end lies behind it (an overestimate is fine: it only splits tubes finer).
    package func screenLength(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float {
        let pa = viewProjection.transform(a)
        let pb = viewProjection.transform(b)
        guard pa.w > 1e-3, pb.w > 1e-3 else { return Float(viewportHeight) * 4 }
        let dx = (pa.x / pa.w - pb.x / pb.w) * Float(viewportWidth) / 2
        let dy = (pa.y / pa.w - pb.y / pb.w) * Float(viewportHeight) / 2
        return min((dx * dx + dy * dy).squareRoot(), Float(viewportHeight) * 4)
    }

    /// The height on screen, in pixels, of a sphere of `radius` at `center`.
    package func projectedHeightPixels(center: SIMD3<Float>, radius: Float) -> Double {
        let distance = Double(max((dot(center - eye, center - eye)).squareRoot(), 1e-3))
        return LODChain.projectedHeightPixels(
            radius: Double(radius), distance: distance, fovDegrees: fovYDegrees, viewportHeight: viewportHeight
        )
    }
}
