import Foundation

/// The CNC work centre: 4 m wide (x), 2.5 m high, 3 m deep (z); the operator side is +z.
extension BuiltinEquipment {
    static func buildWorkCenter(_ b: inout MeshBuilder) {
        workCenterEnclosure(&b)
        workCenterDoors(&b)
        workCenterInterior(&b)
        workCenterCabinet(&b)
        workCenterExtras(&b)
    }

    /// Feet, plinth, walls with louvres, roof and door track.
    private static func workCenterEnclosure(_ b: inout MeshBuilder) {
        // Levelling feet: pad, threaded stem, hex nut.
        for x: Float in [-1.85, -0.45, 0.95] {
            for z: Float in [-1.2, 1.05] {
                b.roundedCylinder(from: [x, 0, z], to: [x, 0.025, z], radius: 0.06, fillet: 0.008, segments: 32, filletSegments: 3)
                b.cylinder(from: [x, 0.025, z], to: [x, 0.09, z], radius: 0.014, segments: 16)
                b.cylinder(from: [x, 0.05, z], to: [x, 0.065, z], radius: 0.026, segments: 6)
            }
        }
        b.bevelledBox(center: [-0.45, 0.155, -0.075], size: [3.0, 0.13, 2.55], bevel: 0.015)
        // Back, sides and roof.
        b.bevelledBox(center: [-0.45, 1.235, -1.325], size: [3.1, 2.03, 0.05], bevel: 0.012)
        for (x, sign) in [(Float(-1.975), Float(-1)), (1.075, 1)] {
            b.bevelledBox(center: [x, 1.235, -0.075], size: [0.05, 2.03, 2.5], bevel: 0.012)
            // Louvres: angled slats in a framed opening.
            b.bevelledBox(center: [x + sign * 0.03, 1.9, -0.55], size: [0.012, 0.5, 1.0], bevel: 0.004)
            for k in 0..<18 {
                let y = 1.68 + Float(k) * 0.025
                b.with(.translation([x + sign * 0.045, y, -0.55]) * .rotationZ(sign * 0.5)) { m in
                    m.bevelledBox(center: .zero, size: [0.03, 0.006, 0.9], bevel: 0.0015)
                }
            }
        }
        b.roundedBox(center: [-0.45, 2.25, -0.075], size: [3.1, 0.1, 2.55], radius: 0.03, segments: 3)
        // Front apron and fascia.
        b.bevelledBox(center: [-0.45, 0.56, 1.175], size: [3.1, 0.68, 0.05], bevel: 0.012)
        b.bevelledBox(center: [-0.45, 2.1, 1.175], size: [3.1, 0.2, 0.05], bevel: 0.012)
        for x: Float in [-1.975, 1.075] {
            b.bevelledBox(center: [x, 1.5, 1.175], size: [0.05, 1.0, 0.05], bevel: 0.01)
        }
        // Door track and warning label plates.
        b.cylinder(from: [-1.95, 1.98, 1.23], to: [1.05, 1.98, 1.23], radius: 0.012, segments: 24)
        for x: Float in [-1.6, -0.45, 0.7] {
            b.cylinder(from: [x, 1.98, 1.2], to: [x, 1.98, 1.23], radius: 0.008, segments: 12)
        }
        b.bevelledBox(center: [-1.2, 0.7, 1.205], size: [0.3, 0.15, 0.01], bevel: 0.002)
    }

    /// Two sliding doors: frames, glass, seals and handles.
    private static func workCenterDoors(_ b: inout MeshBuilder) {
        for (cx, z) in [(Float(-1.2), Float(1.215)), (0.3, 1.245)] {
            let (w, h, y0): (Float, Float, Float) = (1.5, 1.1, 0.9)
            let yc = y0 + h / 2
            // Frame members.
            b.bevelledBox(center: [cx, y0 + 0.04, z], size: [w, 0.08, 0.03], bevel: 0.006)
            b.bevelledBox(center: [cx, y0 + h - 0.04, z], size: [w, 0.08, 0.03], bevel: 0.006)
            b.bevelledBox(center: [cx - w / 2 + 0.04, yc, z], size: [0.08, h - 0.16, 0.03], bevel: 0.006)
            b.bevelledBox(center: [cx + w / 2 - 0.04, yc, z], size: [0.08, h - 0.16, 0.03], bevel: 0.006)
            // Glass and rubber seal.
            b.box(center: [cx, yc, z], size: [w - 0.16, h - 0.16, 0.008])
            let seal = MeshBuilder.roundedRect(width: w - 0.15, height: h - 0.15, radius: 0.03, cornerSegments: 8)
            let sealIn = MeshBuilder.roundedRect(width: w - 0.18, height: h - 0.18, radius: 0.015, cornerSegments: 8)
            b.with(.translation([cx, yc, z - 0.01])) { m in
                m.ringPrism(outer: seal, inner: sealIn, z0: 0, z1: 0.02)
            }
            // Handle: a vertical grip on two standoffs.
            let hx = cx + (cx < 0 ? w / 2 - 0.16 : -w / 2 + 0.16)
            for y in [yc - 0.22, yc + 0.22] {
                b.cylinder(from: [hx, y, z + 0.015], to: [hx, y, z + 0.055], radius: 0.012, segments: 24)
            }
            b.capsule(from: [hx, yc - 0.25, z + 0.065], to: [hx, yc + 0.25, z + 0.065], radius: 0.016, segments: 24, rings: 8)
            // Rollers at the top of the door.
            for dx: Float in [-0.5, 0.5] {
                b.roundedCylinder(from: [cx + dx, 1.98, z - 0.02], to: [cx + dx, 1.98, z + 0.0], radius: 0.025, fillet: 0.004, segments: 24, filletSegments: 2)
            }
        }
    }

    /// Machine bed, table with T-slots, vise, column, spindle and tool magazine.
    private static func workCenterInterior(_ b: inout MeshBuilder) {
        b.bevelledBox(center: [-0.45, 0.5, -0.2], size: [2.4, 0.56, 1.6], bevel: 0.02)
        // Chip tray around the table.
        let trayOut = MeshBuilder.roundedRect(width: 2.3, height: 1.3, radius: 0.05, cornerSegments: 6)
        let trayIn = MeshBuilder.roundedRect(width: 2.24, height: 1.24, radius: 0.03, cornerSegments: 6)
        b.with(.translation([-0.45, 0.78, 0.1]) * .rotationX(-.pi / 2)) { m in
            m.ringPrism(outer: trayOut, inner: trayIn, z0: 0, z1: 0.08)
        }
        // Way covers: telescopic bellows either side of the table.
        for k in 0..<24 {
            let x = -1.5 + Float(k) * 0.022
            b.bevelledBox(center: [x, 0.83, 0.1], size: [0.012, 0.06, 0.9], bevel: 0.003)
            b.bevelledBox(center: [x + 1.6, 0.83, 0.1], size: [0.012, 0.06, 0.9], bevel: 0.003)
        }
        // Table with T-slot ribs.
        b.bevelledBox(center: [-0.45, 0.88, 0.1], size: [1.1, 0.08, 0.7], bevel: 0.008)
        for k in 0..<6 {
            let z = -0.15 + Float(k) * 0.1
            b.bevelledBox(center: [-0.45, 0.93, z], size: [1.08, 0.02, 0.05], bevel: 0.004)
        }
        // Vise, handle and workpiece.
        b.bevelledBox(center: [-0.45, 1.0, 0.1], size: [0.16, 0.12, 0.42], bevel: 0.008)
        b.bevelledBox(center: [-0.45, 1.08, -0.06], size: [0.16, 0.06, 0.05], bevel: 0.005)
        b.bevelledBox(center: [-0.45, 1.08, 0.2], size: [0.16, 0.06, 0.05], bevel: 0.005)
        b.cylinder(from: [-0.45, 1.02, 0.31], to: [-0.45, 1.02, 0.42], radius: 0.012, segments: 24)
        b.capsule(from: [-0.55, 1.02, 0.43], to: [-0.35, 1.02, 0.43], radius: 0.01, segments: 20, rings: 8)
        b.bevelledBox(center: [-0.45, 1.12, 0.07], size: [0.12, 0.08, 0.2], bevel: 0.004)
        // Column and spindle head.
        b.bevelledBox(center: [-0.45, 1.45, -0.85], size: [0.7, 1.5, 0.5], bevel: 0.03)
        b.bevelledBox(center: [-0.45, 1.7, -0.4], size: [0.36, 0.5, 0.5], bevel: 0.02)
        b.cylinder(from: [-0.45, 1.9, -0.3], to: [-0.45, 2.08, -0.3], radius: 0.11, segments: 48)
        b.torus(center: [-0.45, 1.45, -0.3], axis: [0, 1, 0], major: 0.1, minor: 0.012, majorSegments: 48, minorSegments: 12)
        b.cylinder(from: [-0.45, 1.45, -0.3], to: [-0.45, 1.38, -0.3], radius: 0.08, segments: 48)
        b.frustum(from: [-0.45, 1.38, -0.3], to: [-0.45, 1.3, -0.3], r0: 0.045, r1: 0.03, segments: 48)
        b.cylinder(from: [-0.45, 1.3, -0.3], to: [-0.45, 1.27, -0.3], radius: 0.035, segments: 48)
        b.cylinder(from: [-0.45, 1.27, -0.3], to: [-0.45, 1.2, -0.3], radius: 0.01, segments: 24)
        // Helical flutes of the end mill.
        for f in 0..<2 {
            let path: [SIMD3<Float>] = (0...60).map { k in
                let t = Double(k) / 60
                let a = Double(f) * Double.pi + t * 3 * Double.pi
                return [-0.45 + 0.008 * Float(cos(a)), 1.26 - 0.06 * Float(t), -0.3 + 0.008 * Float(sin(a))]
            }
            b.sweep(path: path, radius: 0.003, segments: 10)
        }
        // Tool magazine: a carousel of tool holders.
        let mc: SIMD3<Float> = [-1.55, 1.75, -0.6]
        b.cylinder(from: mc + [0, 0, -0.08], to: mc + [0, 0, -0.04], radius: 0.34, segments: 64)
        b.torus(center: mc + [0, 0, -0.04], axis: [0, 0, 1], major: 0.34, minor: 0.015, majorSegments: 64, minorSegments: 10)
        for k in 0..<20 {
            let a = 2 * Double.pi * Double(k) / 20
            let p = mc + SIMD3(Float(cos(a)), Float(sin(a)), 0) * 0.29
            b.frustum(from: p + [0, 0, -0.04], to: p + [0, 0, 0.02], r0: 0.03, r1: 0.022, segments: 24)
            b.cylinder(from: p + [0, 0, 0.02], to: p + [0, 0, 0.07], radius: 0.008, segments: 12)
        }
    }

    /// Control cabinet with screen, keypad, handwheel and emergency stop.
    private static func workCenterCabinet(_ b: inout MeshBuilder) {
        b.bevelledBox(center: [1.55, 0.1, 0.7], size: [0.86, 0.2, 0.94], bevel: 0.012)
        b.roundedBox(center: [1.55, 1.1, 0.7], size: [0.9, 1.8, 1.0], radius: 0.04, segments: 3)
        // Hinges and cabinet door seams.
        for y: Float in [0.5, 1.7] {
            b.cylinder(from: [1.12, y - 0.05, 1.21], to: [1.12, y + 0.05, 1.21], radius: 0.012, segments: 16)
        }
        // Screen with bezel.
        b.roundedBox(center: [1.55, 1.55, 1.205], size: [0.62, 0.46, 0.02], radius: 0.008, segments: 2)
        b.box(center: [1.55, 1.56, 1.216], size: [0.54, 0.36, 0.004])
        // Keypad.
        for row in 0..<4 {
            for col in 0..<8 {
                let x = 1.27 + Float(col) * 0.08
                let y = 1.22 - Float(row) * 0.055
                b.roundedCylinder(from: [x, y, 1.2], to: [x, y, 1.215], radius: 0.018, fillet: 0.004, segments: 20, filletSegments: 2)
            }
        }
        // Handwheel.
        let hw: SIMD3<Float> = [1.4, 0.86, 1.2]
        b.cylinder(from: hw, to: hw + [0, 0, 0.03], radius: 0.07, segments: 48)
        b.torus(center: hw + [0, 0, 0.035], axis: [0, 0, 1], major: 0.06, minor: 0.01, majorSegments: 48, minorSegments: 12)
        for k in 0..<50 {
            let a = 2 * Double.pi * Double(k) / 50
            let p = hw + SIMD3(Float(cos(a)) * 0.071, Float(sin(a)) * 0.071, 0.015)
            b.box(center: p, size: [0.004, 0.004, 0.02])
        }
        b.cylinder(from: hw + [0.04, 0.03, 0.045], to: hw + [0.04, 0.03, 0.09], radius: 0.008, segments: 16)
        // Emergency stop: yellow collar and red mushroom.
        let es: SIMD3<Float> = [1.72, 0.86, 1.2]
        b.cylinder(from: es, to: es + [0, 0, 0.02], radius: 0.045, segments: 48)
        b.cylinder(from: es + [0, 0, 0.02], to: es + [0, 0, 0.04], radius: 0.015, segments: 32)
        b.dome(center: es + [0, 0, 0.04], radius: 0.035, from: 0, segments: 48, rings: 12, axis: [0, 0, 1])
        // Cooling fan grille on the side.
        for k in 0..<6 {
            b.torus(center: [2.0, 0.5, 0.7], axis: [1, 0, 0], major: 0.02 + Float(k) * 0.018, minor: 0.003, majorSegments: 48, minorSegments: 6)
        }
    }

    /// Signal tower, chip conveyor, coolant tank, operator step and cable duct.
    private static func workCenterExtras(_ b: inout MeshBuilder) {
        let st: SIMD3<Float> = [0.8, 2.3, -1.0]
        b.cylinder(from: st, to: st + [0, 0.02, 0], radius: 0.035, segments: 32)
        b.cylinder(from: st + [0, 0.02, 0], to: st + [0, 0.04, 0], radius: 0.012, segments: 24)
        for k in 0..<3 {
            let y0 = 0.04 + Float(k) * 0.04
            b.cylinder(from: st + [0, y0, 0], to: st + [0, y0 + 0.034, 0], radius: 0.028, segments: 32)
            b.cylinder(from: st + [0, y0 + 0.034, 0], to: st + [0, y0 + 0.04, 0], radius: 0.03, segments: 32)
        }
        b.dome(center: st + [0, 0.16, 0], radius: 0.04, from: 0, segments: 32, rings: 8)
        // Chip conveyor out of the back, rising to a bin.
        b.with(.translation([-1.1, 0.5, -1.42]) * .rotationZ(0.35)) { m in
            m.bevelledBox(center: .zero, size: [1.2, 0.16, 0.16], bevel: 0.01)
            for k in 0..<22 {
                let x = -0.55 + Float(k) * 0.05
                m.box(center: [x, 0.085, 0], size: [0.012, 0.01, 0.14])
            }
            m.cylinder(from: [0.6, 0, -0.08], to: [0.6, 0, 0.08], radius: 0.08, segments: 48)
        }
        b.bevelledBox(center: [-0.2, 0.35, -1.42], size: [0.5, 0.5, 0.16], bevel: 0.01)
        // Coolant tank with pump motor and level gauge.
        b.bevelledBox(center: [0.6, 0.3, -1.425], size: [0.8, 0.4, 0.15], bevel: 0.015)
        b.cylinder(from: [0.6, 0.5, -1.44], to: [0.6, 0.7, -1.44], radius: 0.05, segments: 48)
        for k in 0..<12 {
            let a = 2 * Double.pi * Double(k) / 12
            let p: SIMD3<Float> = [0.6 + 0.05 * Float(cos(a)), 0.6, -1.44 + 0.05 * Float(sin(a))]
            b.box(center: p, size: [0.012, 0.18, 0.012])
        }
        b.cylinder(from: [0.3, 0.2, -1.5], to: [0.3, 0.4, -1.5], radius: 0.01, segments: 16)
        // Operator step with tread bars.
        b.bevelledBox(center: [-0.45, 0.06, 1.36], size: [2.0, 0.12, 0.28], bevel: 0.01)
        for k in 0..<40 {
            let x = -1.4 + Float(k) * 0.0487
            b.box(center: [x, 0.125, 1.36], size: [0.01, 0.01, 0.27])
        }
        b.bevelledBox(center: [-0.45, 0.0125, 1.475], size: [2.0, 0.025, 0.05], bevel: 0.005)
        // Cable duct from the cabinet over the roof.
        let duct: [SIMD3<Float>] = MeshBuilder.arc(
            center: [1.15, 2.0, 0.7], e1: [1, 0, 0], e2: [0, 1, 0], radius: 0.3, from: 0, to: Double.pi / 2, count: 24)
        b.sweep(path: [[1.45, 1.95, 0.7]] + duct + [[0.5, 2.3, 0.7]], radius: 0.035, segments: 24)
    }
}
