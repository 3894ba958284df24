import Foundation

/// The AGV: 1.4 m long (x, front is +x), 0.5 m high to its lidar, 1 m wide (z).
extension BuiltinEquipment {
    static func buildAGV(_ b: inout MeshBuilder) {
        agvChassis(&b)
        for s: Float in [-1, 1] {
            agvDriveWheel(&b, z: s * 0.44, outward: s)
        }
        for x: Float in [-0.5, 0.5] {
            for z: Float in [-0.3, 0.3] {
                agvCaster(&b, at: [x, 0, z])
            }
        }
        agvTop(&b)
    }

    /// Body with rounded corners, top cover, bumpers, light strip, vents and contacts.
    private static func agvChassis(_ b: inout MeshBuilder) {
        let up = MeshBuilder.Transform.rotationX(-.pi / 2)
        let body = MeshBuilder.roundedRect(width: 1.3, height: 0.84, radius: 0.12, cornerSegments: 12)
        b.with(up) { m in m.prism(profile: body, z0: 0.07, z1: 0.3) }
        let skirt = MeshBuilder.roundedRect(width: 1.28, height: 0.82, radius: 0.11, cornerSegments: 12)
        let skirtIn = MeshBuilder.roundedRect(width: 1.25, height: 0.79, radius: 0.1, cornerSegments: 12)
        b.with(up) { m in m.ringPrism(outer: skirt, inner: skirtIn, z0: 0.045, z1: 0.07) }
        b.roundedBox(center: [0, 0.31, 0], size: [1.28, 0.03, 0.82], radius: 0.012, segments: 3)
        // Light strip around the body.
        let strip = MeshBuilder.roundedRect(width: 1.31, height: 0.85, radius: 0.125, cornerSegments: 12)
        let stripIn = MeshBuilder.roundedRect(width: 1.29, height: 0.83, radius: 0.115, cornerSegments: 12)
        b.with(up) { m in m.ringPrism(outer: strip, inner: stripIn, z0: 0.24, z1: 0.255) }
        // Bumpers front and back: a rubber edge on a plate.
        for s: Float in [-1, 1] {
            b.bevelledBox(center: [s * 0.655, 0.14, 0], size: [0.02, 0.12, 0.6], bevel: 0.004)
            b.capsule(from: [s * 0.67, 0.14, -0.3], to: [s * 0.67, 0.14, 0.3], radius: 0.03, segments: 32, rings: 12)
            // Safety scanner window.
            b.roundedBox(center: [s * 0.652, 0.22, 0], size: [0.01, 0.05, 0.3], radius: 0.004, segments: 2)
        }
        // Side vents.
        for s: Float in [-1, 1] {
            for k in 0..<14 {
                let x = -0.35 + Float(k) * 0.05
                b.bevelledBox(center: [x, 0.16, s * 0.422], size: [0.02, 0.1, 0.006], bevel: 0.002)
            }
        }
        // Charging contacts at the back.
        for z: Float in [-0.1, 0.1] {
            b.bevelledBox(center: [-0.655, 0.07, z], size: [0.015, 0.03, 0.08], bevel: 0.003)
        }
    }

    /// A drive wheel with a grooved tyre, rim, hub, bolts and fender.
    private static func agvDriveWheel(_ b: inout MeshBuilder, z: Float, outward s: Float) {
        let r: Float = 0.1, c: SIMD3<Float> = [0, r, z]
        let a = c - [0, 0, s * 0.035], e = c + [0, 0, s * 0.035]
        b.roundedCylinder(from: s > 0 ? a : e, to: s > 0 ? e : a, radius: r - 0.006, fillet: 0.012, segments: 96, filletSegments: 4)
        // Tread lugs around the tyre.
        for k in 0..<40 {
            let ang = 2 * Float.pi * Float(k) / 40
            b.with(.translation(c) * .rotationZ(ang)) { m in
                m.bevelledBox(center: [r - 0.004, 0, 0], size: [0.008, 0.012, 0.055], bevel: 0.002)
            }
        }
        // Rim, hub and wheel bolts on the outer face.
        b.tube(from: e, to: e + [0, 0, s * 0.004], outer: 0.07, inner: 0.05, segments: 64)
        b.cylinder(from: e, to: e + [0, 0, s * 0.012], radius: 0.035, segments: 64)
        b.dome(center: e + [0, 0, s * 0.012], radius: 0.013, from: 0, segments: 32, rings: 6, axis: [0, 0, s])
        for k in 0..<5 {
            let ang = 2 * Double.pi * Double(k) / 5
            let p = e + SIMD3(0.026 * Float(cos(ang)), 0.026 * Float(sin(ang)), 0)
            b.cylinder(from: p, to: p + [0, 0, s * 0.016], radius: 0.005, segments: 6)
        }
        // Fender arch over the wheel.
        let arch = MeshBuilder.arc(center: c, e1: [1, 0, 0], e2: [0, 1, 0], radius: r + 0.02, from: 0.5, to: Double.pi - 0.5, count: 24)
        for dz: Float in [-0.03, 0.03] {
            b.sweep(path: arch.map { $0 + [0, 0, dz] }, radius: 0.006, segments: 12)
        }
        // Gearmotor inside the body.
        b.cylinder(from: c - [0, 0, s * 0.04], to: c - [0, 0, s * 0.2], radius: 0.05, segments: 48)
    }

    /// A swivel caster: top plate, swivel bearing, fork and wheel.
    private static func agvCaster(_ b: inout MeshBuilder, at p: SIMD3<Float>) {
        b.bevelledBox(center: p + [0, 0.112, 0], size: [0.09, 0.008, 0.09], bevel: 0.002)
        b.cylinder(from: p + [0, 0.09, 0], to: p + [0, 0.108, 0], radius: 0.03, segments: 32)
        for s: Float in [-1, 1] {
            b.bevelledBox(center: p + [-0.01, 0.06, s * 0.022], size: [0.06, 0.06, 0.005], bevel: 0.0015)
        }
        b.roundedCylinder(from: p + [0, 0.04, -0.017], to: p + [0, 0.04, 0.017], radius: 0.04, fillet: 0.008, segments: 48, filletSegments: 3)
        b.cylinder(from: p + [0, 0.04, -0.027], to: p + [0, 0.04, 0.027], radius: 0.006, segments: 12)
    }

    /// Lift plate, lidar on its mast, warning lights, emergency stops and display.
    private static func agvTop(_ b: inout MeshBuilder) {
        for x: Float in [-0.3, 0.3] {
            for z: Float in [-0.2, 0.2] {
                b.cylinder(from: [x, 0.325, z], to: [x, 0.35, z], radius: 0.03, segments: 32)
            }
        }
        b.roundedBox(center: [-0.08, 0.36, 0], size: [0.95, 0.02, 0.72], radius: 0.008, segments: 2)
        for k in 0..<30 {
            let x = -0.5 + Float(k) * 0.029
            b.bevelledBox(center: [x, 0.372, 0], size: [0.012, 0.004, 0.68], bevel: 0.001)
        }
        // Lidar on a mast at the front.
        let l: SIMD3<Float> = [0.52, 0.325, 0]
        b.bevelledBox(center: l + [0, 0.005, 0], size: [0.1, 0.01, 0.1], bevel: 0.002)
        b.cylinder(from: l + [0, 0.01, 0], to: l + [0, 0.1, 0], radius: 0.018, segments: 32)
        b.cylinder(from: l + [0, 0.1, 0], to: l + [0, 0.13, 0], radius: 0.05, segments: 64)
        b.frustum(from: l + [0, 0.13, 0], to: l + [0, 0.16, 0], r0: 0.046, r1: 0.042, segments: 64)
        b.roundedCylinder(from: l + [0, 0.16, 0], to: l + [0, 0.175, 0], radius: 0.048, fillet: 0.006, segments: 64, filletSegments: 3)
        // Warning lights on the four corners.
        for x: Float in [-0.56, 0.56] {
            for z: Float in [-0.33, 0.33] {
                b.cylinder(from: [x, 0.325, z], to: [x, 0.335, z], radius: 0.03, segments: 32)
                b.dome(center: [x, 0.335, z], radius: 0.026, from: 0, segments: 32, rings: 10)
            }
        }
        // Emergency stops at the rear corners' sides.
        for z: Float in [-0.36, 0.36] {
            b.cylinder(from: [-0.45, 0.325, z], to: [-0.45, 0.335, z], radius: 0.03, segments: 32)
            b.dome(center: [-0.45, 0.345, z], radius: 0.022, from: 0, segments: 32, rings: 8)
            b.cylinder(from: [-0.45, 0.335, z], to: [-0.45, 0.345, z], radius: 0.01, segments: 16)
        }
        // Status display on the +z side.
        b.roundedBox(center: [0.3, 0.2, 0.425], size: [0.16, 0.08, 0.012], radius: 0.004, segments: 2)
    }
}
