import Foundation

/// The belt conveyor: 6 m long (x), 1 m high to its guard rails, 1.2 m deep (z) with the
/// drive on the −z side and a pull-cord stop on the +z side.
extension BuiltinEquipment {
    static func buildConveyor(_ b: inout MeshBuilder) {
        conveyorFrame(&b)
        conveyorRollersAndBelt(&b)
        conveyorDrive(&b)
        conveyorGuards(&b)
    }

    /// Side channels, legs with levelling feet, cross braces and stretchers.
    private static func conveyorFrame(_ b: inout MeshBuilder) {
        for s: Float in [-1, 1] {
            // C-channel: web and two flanges turned outward.
            b.bevelledBox(center: [0, 0.77, s * 0.446], size: [5.9, 0.18, 0.008], bevel: 0.002)
            b.bevelledBox(center: [0, 0.856, s * 0.468], size: [5.9, 0.008, 0.04], bevel: 0.002)
            b.bevelledBox(center: [0, 0.684, s * 0.468], size: [5.9, 0.008, 0.04], bevel: 0.002)
        }
        let legX: [Float] = [-2.6, -0.9, 0.9, 2.6]
        for x in legX {
            for s: Float in [-1, 1] {
                let z = s * 0.46
                b.bevelledBox(center: [x, 0.375, z], size: [0.05, 0.61, 0.05], bevel: 0.004)
                b.bevelledBox(center: [x, 0.0775, z], size: [0.08, 0.015, 0.08], bevel: 0.003)
                b.cylinder(from: [x, 0.025, z], to: [x, 0.07, z], radius: 0.01, segments: 16)
                b.cylinder(from: [x, 0.045, z], to: [x, 0.058, z], radius: 0.018, segments: 6)
                b.roundedCylinder(from: [x, 0, z], to: [x, 0.025, z], radius: 0.045, fillet: 0.006, segments: 32, filletSegments: 3)
                // Bracket bolting the leg to the channel.
                b.bevelledBox(center: [x, 0.65, z + s * 0.03], size: [0.1, 0.08, 0.006], bevel: 0.002)
                for dx: Float in [-0.03, 0.03] {
                    b.cylinder(from: [x + dx, 0.65, z + s * 0.033], to: [x + dx, 0.65, z + s * 0.043], radius: 0.008, segments: 6)
                }
            }
            // Cross braces: a horizontal tie and a diagonal.
            b.bar(from: [x, 0.25, -0.435], to: [x, 0.25, 0.435], width: 0.04, height: 0.04)
            b.bar(from: [x, 0.3, -0.435], to: [x, 0.62, 0.435], width: 0.03, height: 0.006, up: [1, 0, 0])
        }
        for s: Float in [-1, 1] {
            for k in 0..<(legX.count - 1) {
                b.bar(from: [legX[k] + 0.025, 0.15, s * 0.46], to: [legX[k + 1] - 0.025, 0.15, s * 0.46], width: 0.04, height: 0.04)
            }
        }
    }

    /// Carrying and return rollers, end pulleys with bearings, and the belt loop.
    private static func conveyorRollersAndBelt(_ b: inout MeshBuilder) {
        let pulleyX: Float = 2.92, pulleyY: Float = 0.78, pulleyR: Float = 0.07
        var x: Float = -2.78
        while x <= 2.781 {
            b.roundedCylinder(from: [x, 0.81, -0.41], to: [x, 0.81, 0.41], radius: 0.04, fillet: 0.006, segments: 40, filletSegments: 2)
            b.cylinder(from: [x, 0.81, -0.442], to: [x, 0.81, 0.442], radius: 0.008, segments: 12, caps: true)
            x += 0.1
        }
        for k in 0..<11 {
            let x = -2.5 + Float(k) * 0.5
            b.roundedCylinder(from: [x, 0.66, -0.41], to: [x, 0.66, 0.41], radius: 0.04, fillet: 0.006, segments: 40, filletSegments: 2)
            b.cylinder(from: [x, 0.66, -0.442], to: [x, 0.66, 0.442], radius: 0.008, segments: 12)
        }
        for s: Float in [-1, 1] {
            let px = s * pulleyX
            // Crowned pulley, shaft and flange bearings outside the frame.
            b.frustum(from: [px, pulleyY, -0.42], to: [px, pulleyY, 0], r0: pulleyR * 0.97, r1: pulleyR, segments: 64)
            b.frustum(from: [px, pulleyY, 0], to: [px, pulleyY, 0.42], r0: pulleyR, r1: pulleyR * 0.97, segments: 64)
            b.cylinder(from: [px, pulleyY, -0.5], to: [px, pulleyY, 0.5], radius: 0.015, segments: 24)
            for z: Float in [-0.465, 0.465] {
                b.roundedBox(center: [px, pulleyY, z], size: [0.1, 0.1, 0.03], radius: 0.01, segments: 2)
                b.cylinder(from: [px, pulleyY, z * 1.0], to: [px, pulleyY, z * 1.06], radius: 0.03, segments: 32)
            }
            // End plates closing the channels.
            b.bevelledBox(center: [s * 2.955, 0.77, -0.44], size: [0.01, 0.18, 0.02], bevel: 0.002)
            b.bevelledBox(center: [s * 2.955, 0.77, 0.44], size: [0.01, 0.18, 0.02], bevel: 0.002)
        }
        // The belt: a stadium loop 10 mm thick around the pulleys.
        func stadium(_ r: Float) -> [SIMD2<Float>] {
            var pts: [SIMD2<Float>] = []
            for k in 0...32 {
                let a = -Double.pi / 2 + Double.pi * Double(k) / 32
                pts.append([pulleyX + r * Float(cos(a)), pulleyY + r * Float(sin(a))])
            }
            for k in 0...32 {
                let a = Double.pi / 2 + Double.pi * Double(k) / 32
                pts.append([-pulleyX + r * Float(cos(a)), pulleyY + r * Float(sin(a))])
            }
            return pts
        }
        b.ringPrism(outer: stadium(pulleyR + 0.01), inner: stadium(pulleyR), z0: -0.4, z1: 0.4)
        // Cleats across the belt's top run.
        var c: Float = -2.7
        while c <= 2.71 {
            b.bevelledBox(center: [c, pulleyY + pulleyR + 0.016, 0], size: [0.012, 0.012, 0.76], bevel: 0.003)
            c += 0.6
        }
    }

    /// Gear motor at the head pulley: motor with fins, gearbox, terminal box, guard.
    private static func conveyorDrive(_ b: inout MeshBuilder) {
        let gx: Float = 2.92, gy: Float = 0.78
        b.roundedBox(center: [gx, gy, -0.53], size: [0.18, 0.22, 0.1], radius: 0.02, segments: 3)
        b.cylinder(from: [gx - 0.05, gy - 0.03, -0.53], to: [gx - 0.1, gy - 0.03, -0.53], radius: 0.06, segments: 48)
        b.cylinder(from: [gx - 0.1, gy - 0.03, -0.53], to: [gx - 0.38, gy - 0.03, -0.53], radius: 0.065, segments: 48, caps: false)
        b.roundedCylinder(from: [gx - 0.38, gy - 0.03, -0.53], to: [gx - 0.44, gy - 0.03, -0.53], radius: 0.065, fillet: 0.015, segments: 48, filletSegments: 4)
        for k in 0..<10 {
            let xf = gx - 0.13 - Float(k) * 0.024
            b.torus(center: [xf, gy - 0.03, -0.53], axis: [1, 0, 0], major: 0.065, minor: 0.005, majorSegments: 48, minorSegments: 8)
        }
        b.roundedBox(center: [gx - 0.22, gy + 0.05, -0.53], size: [0.09, 0.04, 0.08], radius: 0.008, segments: 2)
        b.cylinder(from: [gx - 0.22, gy + 0.07, -0.5], to: [gx - 0.22, gy + 0.1, -0.5], radius: 0.008, segments: 16)
        // Torque arm to the frame.
        b.bar(from: [gx, gy - 0.1, -0.53], to: [gx - 0.3, gy - 0.13, -0.47], width: 0.03, height: 0.01)
    }

    /// Guard rails on posts along both sides, with bent ends, and a pull-cord stop.
    private static func conveyorGuards(_ b: inout MeshBuilder) {
        for s: Float in [-1, 1] {
            let z = s * 0.5
            var x: Float = -2.7
            while x <= 2.71 {
                b.bar(from: [x, 0.84, s * 0.475], to: [x, 0.84, z], width: 0.03, height: 0.006)
                b.cylinder(from: [x, 0.84, z], to: [x, 0.99, z], radius: 0.012, segments: 24)
                b.sphere(center: [x, 0.99, z], radius: 0.012, segments: 24, rings: 8)
                x += 0.54
            }
            for y: Float in [0.92, 0.98] {
                let bend1 = MeshBuilder.arc(center: [2.72, y - 0.05, z], e1: [0, 1, 0], e2: [1, 0, 0], radius: 0.05, from: 0, to: Double.pi / 2, count: 10)
                let bend0 = MeshBuilder.arc(center: [-2.72, y - 0.05, z], e1: [-1, 0, 0], e2: [0, 1, 0], radius: 0.05, from: 0, to: Double.pi / 2, count: 10)
                b.sweep(path: [[-2.77, y - 0.12, z]] + bend0 + bend1 + [[2.77, y - 0.12, z]], radius: 0.01, segments: 20)
            }
        }
        // Pull-cord emergency stop along the +z side.
        b.roundedBox(center: [0, 0.8, 0.55], size: [0.14, 0.18, 0.08], radius: 0.015, segments: 3)
        b.dome(center: [0, 0.85, 0.59], radius: 0.02, from: 0, segments: 32, rings: 8, axis: [0, 0, 1])
        b.cylinder(from: [-2.8, 0.78, 0.56], to: [2.8, 0.78, 0.56], radius: 0.003, segments: 8)
        var e: Float = -2.4
        while e <= 2.41 {
            b.torus(center: [e, 0.78, 0.56], axis: [1, 0, 0], major: 0.01, minor: 0.003, majorSegments: 16, minorSegments: 6)
            b.bar(from: [e, 0.77, 0.47], to: [e, 0.77, 0.55], width: 0.02, height: 0.004)
            e += 0.8
        }
    }
}
