package import SceneLedger

/// The placeholder: a wire cube two metres on a side standing on the ground, unlike any
/// equipment, tinted grey while its model loads and magenta when it failed.
extension LoadedModel {
    /// The placeholder for `ref`, sharing the wire cube's mesh and levels.
    package convenience init(placeholderFor ref: ModelRef, _ placeholder: Placeholder) {
        self.init(ref: ref, template: Self.wireCube, placeholder: placeholder)
    }

    /// Grey: the model is on its way.
    package static let loadingColor = SIMD4<Float>(0.62, 0.64, 0.68, 1)
    /// Magenta: the model could not be loaded (the log says why, once).
    package static let failedColor = SIMD4<Float>(0.95, 0.1, 0.85, 1)

    /// The colour a device drawn with this placeholder gets instead of its kind's; nil
    /// for a real model.
    package var placeholderColor: SIMD4<Float>? {
        switch placeholder {
        case nil: nil
        case .loading: Self.loadingColor
        case .failed: Self.failedColor
        }
    }

    private static let wireCube = LoadedModel(ref: .builtin("placeholder"), mesh: wireCubeMesh())

    /// Twelve edges and a cross on each side face, so it reads as "missing" from any angle.
    static func wireCubeMesh() -> Mesh {
        let h: Float = 1
        let corners: [SIMD3<Float>] = [
            [-h, 0, -h], [h, 0, -h], [h, 0, h], [-h, 0, h],
            [-h, 2 * h, -h], [h, 2 * h, -h], [h, 2 * h, h], [-h, 2 * h, h],
        ]
        let edges = [(0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4), (0, 4), (1, 5), (2, 6), (3, 7)]
        let crosses = [(0, 5), (1, 4), (1, 6), (2, 5), (2, 7), (3, 6), (3, 4), (0, 7)]
        var builder = MeshBuilder()
        for (a, b) in edges { builder.bar(from: corners[a], to: corners[b], width: 0.12, height: 0.12) }
        for (a, b) in crosses { builder.bar(from: corners[a], to: corners[b], width: 0.06, height: 0.06) }
        return builder.build()
    }
}
