import Foundation

/// The six-axis robot in its home pose: upper arm vertical, forearm reaching along +x,
/// the tool pointing down. 1.5 × 2.2 × 1.5 m including its base plate.
extension BuiltinEquipment {
    static func buildRobotArm(_ b: inout MeshBuilder) {
        robotBase(&b)
        robotShoulderAndUpperArm(&b)
        robotForearmAndWrist(&b)
        robotCables(&b)
    }

    /// A servo motor along `axis` from `start`: body with cooling fins, end cap, brake
    /// housing and a connector.
    private static func servoMotor(_ b: inout MeshBuilder, from start: SIMD3<Float>, axis: SIMD3<Float>, length: Float, radius: Float) {
        let d = V3.unit(axis)
        let end = start + d * length
        b.cylinder(from: start, to: start + d * (length * 0.15), radius: radius * 1.15, segments: 48)
        b.cylinder(from: start + d * (length * 0.15), to: end - d * (radius * 0.3), radius: radius, segments: 48, caps: false)
        b.roundedCylinder(from: end - d * (radius * 0.3), to: end, radius: radius, fillet: radius * 0.25, segments: 48, filletSegments: 4)
        for k in 1...7 {
            let c = start + d * (length * (0.2 + 0.09 * Float(k)))
            b.torus(center: c, axis: d, major: radius, minor: radius * 0.06, majorSegments: 48, minorSegments: 8)
        }
        let (u, _) = V3.basis(around: d)
        let p = start + d * (length * 0.6) + u * radius
        b.cylinder(from: p, to: p + u * (radius * 0.35), radius: radius * 0.22, segments: 24)
        b.torus(center: p + u * (radius * 0.35), axis: u, major: radius * 0.22, minor: radius * 0.04, majorSegments: 24, minorSegments: 6)
    }

    /// Socket-head bolts on a circle about `center` in the plane normal to `axis`.
    private static func boltCircle(_ b: inout MeshBuilder, center: SIMD3<Float>, axis: SIMD3<Float>, radius: Float, count: Int, head: Float) {
        let d = V3.unit(axis)
        let (u, v) = V3.basis(around: d)
        for k in 0..<count {
            let a = 2 * Double.pi * Double(k) / Double(count)
            let p = center + (u * Float(cos(a)) + v * Float(sin(a))) * radius
            b.tube(from: p, to: p + d * (head * 0.8), outer: head, inner: head * 0.45, segments: 16)
            b.cylinder(from: p + d * (head * 0.3), to: p + d * (head * 0.31), radius: head * 0.46, segments: 6)
        }
    }

    /// Base plate with anchors, pedestal with gussets, J1 housing and turntable.
    private static func robotBase(_ b: inout MeshBuilder) {
        b.roundedBox(center: [0, 0.02, 0], size: [1.5, 0.04, 1.5], radius: 0.012, segments: 2)
        for x: Float in [-0.65, 0, 0.65] {
            for z: Float in [-0.65, 0, 0.65] where !(x == 0 && z == 0) {
                b.cylinder(from: [x, 0.04, z], to: [x, 0.045, z], radius: 0.04, segments: 32)
                b.cylinder(from: [x, 0.045, z], to: [x, 0.07, z], radius: 0.03, segments: 6)
                b.roundedCylinder(from: [x, 0.07, z], to: [x, 0.09, z], radius: 0.014, fillet: 0.004, segments: 16, filletSegments: 2)
            }
        }
        b.cylinder(from: [0, 0.04, 0], to: [0, 0.07, 0], radius: 0.42, segments: 96)
        boltCircle(&b, center: [0, 0.07, 0], axis: [0, 1, 0], radius: 0.38, count: 16, head: 0.014)
        b.cylinder(from: [0, 0.07, 0], to: [0, 0.36, 0], radius: 0.3, segments: 96, caps: false)
        for k in 0..<8 {
            let a = 2 * Double.pi * (Double(k) + 0.5) / 8
            let dir = SIMD3<Float>(Float(cos(a)), 0, Float(sin(a)))
            b.with(MeshBuilder.Transform(x: dir, y: [0, 1, 0], z: V3.cross(dir, [0, 1, 0]), t: dir * 0.33 + [0, 0.07, 0])) { m in
                m.prism(profile: [[-0.03, 0], [0.07, 0], [-0.03, 0.2]], z0: -0.008, z1: 0.008)
            }
        }
        b.cylinder(from: [0, 0.36, 0], to: [0, 0.39, 0], radius: 0.34, segments: 96)
        b.frustum(from: [0, 0.39, 0], to: [0, 0.52, 0], r0: 0.31, r1: 0.28, segments: 96, caps: false)
        b.cylinder(from: [0, 0.52, 0], to: [0, 0.6, 0], radius: 0.29, segments: 96)
        boltCircle(&b, center: [0, 0.6, 0], axis: [0, 1, 0], radius: 0.26, count: 24, head: 0.012)
        servoMotor(&b, from: [-0.24, 0.3, 0.24], axis: [0, 1, 0], length: 0.28, radius: 0.07)
        // Axis-1 stop and calibration marks.
        b.bevelledBox(center: [0.3, 0.48, 0], size: [0.04, 0.06, 0.05], bevel: 0.006)
    }

    /// Shoulder casting, J2 hub and motor, upper arm and the elbow hub.
    private static func robotShoulderAndUpperArm(_ b: inout MeshBuilder) {
        b.roundedBox(center: [0.05, 0.74, 0], size: [0.46, 0.3, 0.5], radius: 0.06, segments: 4)
        b.cylinder(from: [0.1, 0.85, -0.26], to: [0.1, 0.85, 0.26], radius: 0.19, segments: 96)
        boltCircle(&b, center: [0.1, 0.85, -0.26], axis: [0, 0, -1], radius: 0.15, count: 16, head: 0.011)
        servoMotor(&b, from: [0.1, 0.85, 0.26], axis: [0, 0, 1], length: 0.3, radius: 0.085)
        // Upper arm: a hollow casting with a recessed side.
        b.roundedBox(center: [0.1, 1.37, -0.05], size: [0.24, 0.86, 0.26], radius: 0.07, segments: 5)
        b.roundedBox(center: [0.1, 1.37, -0.18], size: [0.16, 0.6, 0.02], radius: 0.008, segments: 2)
        b.cylinder(from: [0.1, 1.9, -0.2], to: [0.1, 1.9, 0.17], radius: 0.15, segments: 96)
        boltCircle(&b, center: [0.1, 1.9, 0.17], axis: [0, 0, 1], radius: 0.11, count: 12, head: 0.01)
        // Balancer: a gas spring from the shoulder to the upper arm.
        b.cylinder(from: [-0.12, 0.8, 0.12], to: [-0.06, 1.25, 0.12], radius: 0.04, segments: 48)
        b.cylinder(from: [-0.06, 1.25, 0.12], to: [-0.02, 1.55, 0.12], radius: 0.018, segments: 32)
        b.torus(center: [-0.02, 1.57, 0.12], axis: [0, 0, 1], major: 0.028, minor: 0.01, majorSegments: 32, minorSegments: 10)
    }

    /// Forearm with its rear motors, the three-axis wrist, flange and gripper.
    private static func robotForearmAndWrist(_ b: inout MeshBuilder) {
        b.roundedBox(center: [0.15, 1.98, 0], size: [0.7, 0.26, 0.3], radius: 0.07, segments: 5)
        servoMotor(&b, from: [0.1, 1.9, -0.2], axis: [0, 0, -1], length: 0.22, radius: 0.07)
        for (k, y) in [Float(1.93), 2.03].enumerated() {
            servoMotor(&b, from: [-0.2, y, Float(k) * 0.1 - 0.05], axis: [-1, 0, 0], length: 0.2, radius: 0.045)
        }
        // Lifting eye on top.
        b.cylinder(from: [0.15, 2.11, 0], to: [0.15, 2.132, 0], radius: 0.012, segments: 24)
        b.torus(center: [0.15, 2.16, 0], axis: [0, 0, 1], major: 0.03, minor: 0.01, majorSegments: 48, minorSegments: 12)
        // J4 roll tube and wrist fork.
        b.cylinder(from: [0.5, 1.98, 0], to: [0.6, 1.98, 0], radius: 0.09, segments: 96)
        b.torus(center: [0.6, 1.98, 0], axis: [1, 0, 0], major: 0.085, minor: 0.006, majorSegments: 96, minorSegments: 8)
        for z: Float in [-0.085, 0.085] {
            b.roundedBox(center: [0.65, 1.98, z], size: [0.14, 0.15, 0.03], radius: 0.012, segments: 3)
        }
        // J5 bend housing and J6 flange, tool pointing down.
        b.cylinder(from: [0.68, 1.98, -0.07], to: [0.68, 1.98, 0.07], radius: 0.065, segments: 96)
        b.cylinder(from: [0.68, 1.92, 0], to: [0.68, 1.87, 0], radius: 0.055, segments: 96)
        b.cylinder(from: [0.68, 1.87, 0], to: [0.68, 1.855, 0], radius: 0.05, segments: 96)
        boltCircle(&b, center: [0.68, 1.855, 0], axis: [0, -1, 0], radius: 0.038, count: 8, head: 0.006)
        // Gripper: body, rails and two fingers with pads.
        b.roundedBox(center: [0.68, 1.81, 0], size: [0.1, 0.07, 0.16], radius: 0.01, segments: 3)
        b.bevelledBox(center: [0.68, 1.77, 0], size: [0.05, 0.012, 0.17], bevel: 0.003)
        for z: Float in [-0.05, 0.05] {
            b.bevelledBox(center: [0.68, 1.7, z], size: [0.04, 0.13, 0.018], bevel: 0.004)
            b.bevelledBox(center: [0.68, 1.65, z - z * 0.2], size: [0.036, 0.03, 0.01], bevel: 0.002)
        }
        b.cylinder(from: [0.63, 1.81, 0.04], to: [0.6, 1.81, 0.04], radius: 0.008, segments: 16)
    }

    /// Cable ducts and hoses dressed along the arm.
    private static func robotCables(_ b: inout MeshBuilder) {
        // Motor cables from the base up to the shoulder.
        for (k, r) in [Float(0.022), 0.016].enumerated() {
            let dz = Float(k) * 0.05
            let cable = MeshBuilder.bezier(
                [-0.27, 0.45, 0.22 + dz], [-0.32, 0.75, 0.26 + dz], [-0.12, 0.95, 0.3 + dz], [0.0, 1.02, 0.3 + dz], count: 32)
            b.sweep(path: cable, radius: r, segments: 20)
        }
        // Dress pack from the upper arm over the elbow to the forearm.
        let over = MeshBuilder.arc(center: [0.1, 1.9, 0], e1: [-1, 0, 0], e2: [0, 1, 0], radius: 0.2, from: 0.2, to: 1.2, count: 20)
        b.sweep(path: [[-0.06, 1.3, 0]] + over.map { $0 + [0, 0, 0.155] } + [[0.2, 2.12, 0.155]], radius: 0.02, segments: 24)
        for k in 0..<5 {
            let y = 1.35 + Float(k) * 0.1
            b.torus(center: [-0.06 - (y - 1.3) * 0.056, y, 0.155], axis: [0, 1, 0], major: 0.024, minor: 0.005, majorSegments: 24, minorSegments: 6)
        }
    }
}
