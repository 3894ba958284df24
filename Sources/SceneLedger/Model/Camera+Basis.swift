import Foundation

/// The view geometry of an orbit camera, shared by command handling (orbit, pan) and
/// rendering and picking, so they can never disagree.
///
/// The eye sits at `target + distance * (cos e * sin a, sin e, cos e * cos a)` for azimuth
/// `a` and elevation `e`: azimuth 0 looks from +Z towards −Z, azimuth 90 from +X.
extension Camera {
    /// The camera's orthonormal frame: eye position, forward (towards the target),
    /// right and up vectors.
    package struct ControlBasis: Sendable {
        package var eye: Vec3
        package var forward: Vec3
        package var right: Vec3
        package var up: Vec3
    }

    package var controlBasis: ControlBasis {
        let a = azimuth * .pi / 180
        let e = elevation * .pi / 180
        let offset = Vec3(cos(e) * sin(a), sin(e), cos(e) * cos(a))
        let forward = offset * -1
        // Horizontal right vector; well defined because elevation stays inside ±89°.
        let right = Vec3(cos(a), 0, -sin(a))
        let up = right.cross(forward)
        return ControlBasis(eye: target + offset * distance, forward: forward, right: right, up: up)
    }

    /// Height of the view frustum at the target's distance.
    package var visibleHeight: Double {
        2 * distance * tan(fov * .pi / 360)
    }

}
