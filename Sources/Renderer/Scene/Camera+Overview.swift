package import SceneLedger

extension Camera {
    /// The middle of the plant on the ground: halfway between its outermost devices.
    package static func center(of state: SceneState) -> Vec3 {
        guard !state.devices.isEmpty else { return .zero }
        let xs = state.devices.values.map(\.position.x)
        let zs = state.devices.values.map(\.position.z)
        return Vec3((xs.min()! + xs.max()!) / 2, 0, (zs.min()! + zs.max()!) / 2)
    }

    /// A camera that shows the whole plant from the south-east, above: what `render` and
    /// the benchmarks draw when no camera is given.
    package static func overview(of state: SceneState) -> Camera {
        let c = center(of: state)
        let extent = state.devices.values.map { max(abs($0.position.x - c.x), abs($0.position.z - c.z)) }.max() ?? 10
        return Camera(target: c, distance: max(8, extent * 1.25 + 4), azimuth: 35, elevation: 35, fov: 50)
    }
}
