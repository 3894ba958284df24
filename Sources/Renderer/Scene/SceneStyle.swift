package import SceneLedger

/// Colours and sizes of everything the renderer draws, in linear RGB 0...1.
package enum SceneStyle {
    package static func color(of kind: DeviceKind) -> SIMD4<Float> {
        switch kind {
        case .workCenter: SIMD4(0.42, 0.50, 0.70, 1)
        case .robotArm: SIMD4(0.95, 0.62, 0.16, 1)
        case .conveyor: SIMD4(0.55, 0.57, 0.60, 1)
        case .storage: SIMD4(0.36, 0.62, 0.38, 1)
        case .agv: SIMD4(0.72, 0.48, 0.82, 1)
        case .custom: SIMD4(0.78, 0.45, 0.45, 1)
        }
    }

    package static func color(of kind: ConnectionKind) -> SIMD4<Float> {
        switch kind {
        case .production: SIMD4(0.16, 0.45, 0.90, 1)
        case .material: SIMD4(0.96, 0.55, 0.10, 1)
        case .data: SIMD4(0.15, 0.68, 0.32, 1)
        case .power: SIMD4(0.85, 0.18, 0.18, 1)
        }
    }

    /// Participants' highlight colours, chosen by a stable hash of their id.
    package static let participantColors: [SIMD4<Float>] = [
        SIMD4(1.0, 0.85, 0.1, 1), SIMD4(0.1, 0.85, 1.0, 1), SIMD4(1.0, 0.3, 0.8, 1), SIMD4(0.5, 1.0, 0.3, 1),
    ]

    package static let background = SIMD4<Float>(0.86, 0.89, 0.93, 1)
    package static let tubeRadius: Float = 0.06
    package static let arrowLength: Float = 0.5
    package static let arrowRadius: Float = 0.16
    /// Where connections attach to a device of each kind, in its model space (before its
    /// rotation and scale): flow leaves through `out` on the +x side and arrives through
    /// `in` on the −x side, at the height of the belt, table, shelf or deck. The built-in
    /// models are laid out along x, as the demo's production lines run.
    package static func ports(of kind: DeviceKind) -> (out: SIMD3<Float>, in: SIMD3<Float>) {
        let (halfWidth, height): (Float, Float) =
            switch kind {
            case .workCenter: (2.0, 1.0)
            case .robotArm: (0.55, 0.55)
            case .conveyor: (3.0, 0.9)
            case .storage: (1.5, 1.2)
            case .agv: (0.7, 0.45)
            case .custom: (1.0, 1.0)
            }
        return (SIMD3(halfWidth, height, 0), SIMD3(-halfWidth, height, 0))
    }
    /// Flow particles: per metre of connection, and their speed in metres per second.
    package static let particlesPerMetre: Float = 0.5
    package static let particleSpeed: Float = 1.5
    package static let particleRadius: Float = 0.11
}
