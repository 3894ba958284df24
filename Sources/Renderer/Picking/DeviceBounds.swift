import Foundation
package import SceneLedger

/// The box a device of each kind occupies before its scale, in metres: width (x),
/// height (y, standing on the ground) and depth (z), centred on the device's position.
///
/// These match the built-in equipment's overall sizes. Picking against boxes is exact for
/// "which device is under the pointer" at plant scale; the renderer's issue (#3) refines it
/// to the models' full-resolution triangles.
package enum DeviceBounds {
    package static func size(of kind: DeviceKind) -> Vec3 {
        switch kind {
        case .workCenter: Vec3(4, 2.5, 3)
        case .robotArm: Vec3(1.5, 2.2, 1.5)
        case .conveyor: Vec3(6, 1, 1.2)
        case .storage: Vec3(3, 4, 2)
        case .agv: Vec3(1.4, 0.5, 1)
        case .custom: Vec3(2, 2, 2)
        }
    }
}

/// A rotation built from Euler angles in degrees, applied X, then Y, then Z.
package struct Rotation3: Sendable {
    /// Rows of the matrix.
    package var r0: Vec3
    package var r1: Vec3
    package var r2: Vec3

    package init(eulerDegrees e: Vec3) {
        let (x, y, z) = (e.x * .pi / 180, e.y * .pi / 180, e.z * .pi / 180)
        let (cx, sx, cy, sy, cz, sz) = (cos(x), sin(x), cos(y), sin(y), cos(z), sin(z))
        // R = Rz * Ry * Rx
        r0 = Vec3(cz * cy, cz * sy * sx - sz * cx, cz * sy * cx + sz * sx)
        r1 = Vec3(sz * cy, sz * sy * sx + cz * cx, sz * sy * cx - cz * sx)
        r2 = Vec3(-sy, cy * sx, cy * cx)
    }

    package func apply(_ v: Vec3) -> Vec3 { Vec3(r0.dot(v), r1.dot(v), r2.dot(v)) }

    /// The inverse (the transpose, for a rotation).
    package func applyInverse(_ v: Vec3) -> Vec3 {
        Vec3(r0.x * v.x + r1.x * v.y + r2.x * v.z, r0.y * v.x + r1.y * v.y + r2.y * v.z, r0.z * v.x + r1.z * v.y + r2.z * v.z)
    }
}

