import Foundation

/// The pallet rack: 3 m wide (x), 4 m high, 2 m deep (z); one bay between two frames,
/// a floor position and two beam levels, each holding two loaded pallets on wire decks.
extension BuiltinEquipment {
    static func buildStorage(_ b: inout MeshBuilder) {
        for x: Float in [-1.46, 1.46] {
            rackFrame(&b, x: x)
        }
        for y: Float in [1.35, 2.7] {
            rackLevel(&b, beamY: y)
        }
        for x: Float in [-0.7, 0.7] {
            pallet(&b, at: [x, 0, 0])
        }
        // Load sign on the front beam.
        b.bevelledBox(center: [0, 1.2, 0.967], size: [0.3, 0.15, 0.004], bevel: 0.001)
    }

    /// One frame: two perforated uprights with base plates and anchors, column guards and
    /// horizontal and diagonal bracing.
    private static func rackFrame(_ b: inout MeshBuilder, x: Float) {
        let top: Float = 4.0
        for s: Float in [-1, 1] {
            let z = s * 0.96
            // Base plate and anchors.
            // Base plate reaching into the bay, anchored on its inner side.
            let inward: Float = x > 0 ? -1 : 1
            b.bevelledBox(center: [x + inward * 0.03, 0.005, z], size: [0.14, 0.01, 0.08], bevel: 0.002)
            for dz: Float in [-0.022, 0.022] {
                let ax = x + inward * 0.075
                b.cylinder(from: [ax, 0.01, z + dz], to: [ax, 0.022, z + dz], radius: 0.012, segments: 6)
                b.cylinder(from: [ax, 0.022, z + dz], to: [ax, 0.03, z + dz], radius: 0.006, segments: 12)
            }
            // Core of the upright, recessed behind the perforated aisle face.
            b.box(center: [x, (top + 0.01) / 2, z - s * 0.004], size: [0.08, top - 0.01, 0.072])
            let face = z + s * 0.038
            let yStart: Float = 0.06
            b.box(center: [x - 0.03, (top + 0.01) / 2, face], size: [0.02, top - 0.01, 0.004])
            b.box(center: [x + 0.03, (top + 0.01) / 2, face], size: [0.02, top - 0.01, 0.004])
            // Bridges between the slots of the aisle face: 76 slots at 50 mm pitch.
            b.box(center: [x, (0.01 + yStart) / 2, face], size: [0.04, yStart - 0.01, 0.004])
            for k in 0..<78 {
                let y = yStart + 0.03 + Float(k) * 0.05
                b.box(center: [x, y + 0.01, face], size: [0.04, 0.02, 0.004])
            }
            // Column guard on the aisle side.
            if s > 0 {
                b.roundedBox(center: [x, 0.2, z], size: [0.09, 0.4, 0.084], radius: 0.012, segments: 3)
            }
        }
        // Bracing in the frame's plane, zigzag up the height.
        let levels: [Float] = [0.15, 0.8, 1.45, 2.1, 2.75, 3.4, 3.9]
        for (k, y) in levels.enumerated() {
            b.bar(from: [x, y, -0.92], to: [x, y, 0.92], width: 0.03, height: 0.025, up: [0, 1, 0])
            if k + 1 < levels.count {
                let (za, zb): (Float, Float) = k % 2 == 0 ? (-0.92, 0.92) : (0.92, -0.92)
                b.bar(from: [x, y + 0.02, za], to: [x, levels[k + 1] - 0.02, zb], width: 0.03, height: 0.02, up: [1, 0, 0])
            }
            for z: Float in [-0.925, 0.925] {
                b.cylinder(from: [x - 0.04, y, z], to: [x + 0.04, y, z], radius: 0.007, segments: 12)
            }
        }
    }

    /// A pair of beams with connectors and pins, wire decks, and two loaded pallets.
    private static func rackLevel(_ b: inout MeshBuilder, beamY y: Float) {
        for s: Float in [-1, 1] {
            let z = s * 0.94
            b.roundedBox(center: [0, y, z], size: [2.84, 0.12, 0.05], radius: 0.008, segments: 2)
            b.bevelledBox(center: [0, y + 0.055, z - s * 0.035], size: [2.8, 0.01, 0.02], bevel: 0.002)
            for ex: Float in [-1.405, 1.405] {
                b.bevelledBox(center: [ex, y + 0.01, z + s * 0.018], size: [0.03, 0.2, 0.006], bevel: 0.002)
                for dy: Float in [-0.06, 0, 0.06] {
                    b.roundedCylinder(from: [ex, y + dy, z + s * 0.021], to: [ex, y + dy, z + s * 0.03], radius: 0.008, fillet: 0.002, segments: 16, filletSegments: 2)
                }
                b.capsule(from: [ex + (ex > 0 ? -0.02 : 0.02), y + 0.1, z - 0.01], to: [ex + (ex > 0 ? -0.02 : 0.02), y + 0.1, z + 0.01], radius: 0.004, segments: 12, rings: 4)
            }
        }
        // Wire decks: three panels with waterfall ends and support channels.
        for k in 0..<3 {
            let cx = -0.94 + Float(k) * 0.94
            for dz: Float in [-0.9, 0.9] {
                let end = dz > 0 ? dz + 0.02 : dz - 0.02
                b.sweep(path: [[cx - 0.45, y + 0.065, dz], [cx + 0.45, y + 0.065, dz]], radius: 0.004, segments: 8)
                b.sweep(path: [[cx - 0.45, y + 0.065, dz], [cx - 0.45, y + 0.065, end], [cx - 0.45, y + 0.01, end]], radius: 0.003, segments: 8)
            }
            for dx: Float in [-0.3, 0, 0.3] {
                b.bar(from: [cx + dx, y + 0.05, -0.9], to: [cx + dx, y + 0.05, 0.9], width: 0.03, height: 0.02)
            }
            for w in 0..<16 {
                let wx = cx - 0.45 + Float(w) * 0.06
                b.cylinder(from: [wx, y + 0.066, -0.9], to: [wx, y + 0.066, 0.9], radius: 0.0025, segments: 8)
            }
            for w in 0..<24 {
                let wz = -0.86 + Float(w) * 0.075
                b.cylinder(from: [cx - 0.45, y + 0.0685, wz], to: [cx + 0.45, y + 0.0685, wz], radius: 0.0025, segments: 8)
            }
        }
        for x: Float in [-0.7, 0.7] {
            pallet(&b, at: [x, y + 0.071, 0])
        }
    }

    /// A 1.2 × 1.0 m block pallet standing at `p`, loaded with twelve taped cartons.
    private static func pallet(_ b: inout MeshBuilder, at p: SIMD3<Float>) {
        // Bottom boards, blocks, stringer boards and top boards.
        for dz: Float in [-0.44, 0, 0.44] {
            b.bevelledBox(center: p + [0, 0.011, dz], size: [1.2, 0.022, 0.12], bevel: 0.003)
            for dx: Float in [-0.53, 0, 0.53] {
                b.bevelledBox(center: p + [dx, 0.061, dz], size: [0.14, 0.078, 0.12], bevel: 0.006)
            }
        }
        for dx: Float in [-0.53, 0, 0.53] {
            b.bevelledBox(center: p + [dx, 0.111, 0], size: [0.14, 0.022, 1.0], bevel: 0.003)
        }
        for k in 0..<7 {
            let dx = -0.53 + Float(k) * (1.06 / 6)
            b.bevelledBox(center: p + [dx, 0.133, 0], size: [0.12, 0.022, 1.0], bevel: 0.003)
            // Nail heads.
            for dz: Float in [-0.44, 0, 0.44] {
                b.cylinder(from: p + [dx, 0.144, dz], to: p + [dx, 0.146, dz], radius: 0.006, segments: 8)
            }
        }
        // Cartons: 3 × 2 per layer, two layers, each with a tape strip over the top.
        for layer in 0..<2 {
            for i in 0..<3 {
                for j in 0..<2 {
                    let c = p + [-0.4 + Float(i) * 0.4, 0.144 + 0.2 + Float(layer) * 0.4, -0.25 + Float(j) * 0.5]
                    b.roundedBox(center: c, size: [0.39, 0.39, 0.49], radius: 0.006, segments: 1)
                    b.box(center: c + [0, 0.1951, 0], size: [0.05, 0.001, 0.492])
                }
            }
        }
    }
}
