import CEGL

/// The surroundings: the ground at y = 0 with grid lines on it (metre and five-metre
/// lines), and the sky.
///
/// On a CPU rasterizer every shaded pixel counts, so the ground is the frame's clear colour
/// and the sky a wall far ahead drawn only when the view reaches above the horizon. Both
/// come after the devices, so the depth test rejects what they hide before any shading.
/// The lines are line primitives whose colour fades into the ground's where they would lie
/// closer together than a few pixels, so they never shimmer.
/// Only lines near enough to see are drawn, centred under the eye on the grid.
///
/// Not `Sendable`: lives on the GL thread inside `GPUScene`.
final class SceneGround {
    static let color = SIMD3<Float>(0.80, 0.82, 0.84)
    static let minorColor = SIMD3<Float>(0.70, 0.72, 0.76)
    static let majorColor = SIMD3<Float>(0.55, 0.58, 0.63)
    /// Line spacing on screen, in pixels, below which lines have faded out.
    static let minimumSpacingPixels: Float = 10

    private let flatProgram: GLProgram
    private let lineProgram: GLProgram
    /// The sky wall.
    private let quad: GPUMesh
    private let lines: GPUMesh

    init(counter: GLObjectCounter) throws(RendererError) {
        flatProgram = try GLProgram(label: "ground", vertex: SceneShaders.flatVertex, fragment: SceneShaders.flatFragment, counter: counter)
        lineProgram = try GLProgram(label: "grid lines", vertex: SceneShaders.lineVertex, fragment: SceneShaders.lineFragment, counter: counter)
        // A unit wall: x in −1...1, y in 0...1, at z = 0.
        quad = GPUMesh(
            Mesh(
                positions: [-1, 0, 0, 1, 0, 0, 1, 1, 0, -1, 1, 0], normals: [Float](repeating: 0, count: 12),
                indices: [0, 1, 2, 0, 2, 3], bounds: Mesh.Bounds(min: SIMD3(-1, 0, 0), max: SIMD3(1, 1, 0))
            ),
            counter: counter
        )
        lines = GPUMesh(Self.lineMesh(), lines: true, counter: counter)
    }

    /// Most lines drawn each way per spacing.
    static let maxLinesEachSide = 20

    /// Grid lines in index units, nearest the centre first: for k = 0, 1, −1, 2, −2, …, a
    /// line along z at x = k and one along x at z = k, both from −1 to 1 (`lineVertex` scales
    /// the index by the spacing and the ends by the reach). Drawing the first 4(2n + 1)
    /// indices draws the lines with |k| ≤ n.
    static func lineMesh() -> Mesh {
        var positions: [Float] = []
        for step in 0...(2 * maxLinesEachSide) {
            let k = Float(step % 2 == 1 ? (step + 1) / 2 : -(step / 2))
            // x: the index; y: 0 along z, 1 along x; z: the end (−1 or 1).
            positions += [k, 0, -1, k, 0, 1, k, 1, -1, k, 1, 1]
        }
        let count = positions.count / 3
        return Mesh(
            positions: positions, normals: [Float](repeating: 0, count: positions.count), indices: (0..<UInt32(count)).map { $0 },
            bounds: Mesh.Bounds(points: positions)
        )
    }

    /// Draws the sky (where the view reaches above the horizon) and the grid lines. The
    /// ground itself is the frame's clear colour, so it costs nothing per pixel.
    /// `instances` holds one identity instance at offset 0.
    func draw(_ vp: ViewProjection, instances: GLuint) {
        var matrix = vp.viewProjection.m
        // The sky: a wall standing on the ground far ahead, drawn only when the top of the
        // view rises above the horizon; beyond the wall's foot the ground colour shows.
        if vp.fovYDegrees / 2 - vp.pitchDownDegrees > -1 {
            let distance = vp.far * 0.8
            let forward = vp.forwardOnGround
            let right = SIMD3<Float>(-forward.z, 0, forward.x)
            let centre = SIMD3(vp.eye.x, 0, vp.eye.z) + forward * distance
            let wall = Matrix4.translation(centre) * Matrix4.basis(right, SIMD3(0, 1, 0), forward)
                * Matrix4.scale(SIMD3(distance * 4, distance * 2, 1))
            var model = wall.m
            glUseProgram(flatProgram.name)
            glUniformMatrix4fv(flatProgram.uniform("uViewProjection"), 1, GLboolean(GL_FALSE), &matrix)
            glUniformMatrix4fv(flatProgram.uniform("uModel"), 1, GLboolean(GL_FALSE), &model)
            let sky = SceneStyle.background
            glUniform3f(flatProgram.uniform("uColor"), sky.x, sky.y, sky.z)
            quad.draw(instances: instances, offset: 0, count: 1)
        }

        glUseProgram(lineProgram.name)
        glUniformMatrix4fv(lineProgram.uniform("uViewProjection"), 1, GLboolean(GL_FALSE), &matrix)
        glUniform3f(lineProgram.uniform("uEye"), vp.eye.x, vp.eye.y, vp.eye.z)
        glUniform3f(lineProgram.uniform("uFadeColor"), Self.color.x, Self.color.y, Self.color.z)
        // Lines `s` metres apart seen from `d` metres are about s / (d · radians per pixel)
        // pixels apart (less at grazing angles). They fade out before that reaches the
        // minimum, and only lines within that distance of the eye are drawn at all: every
        // line pixel is shaded, faded or not.
        let radiansPerPixel = Float(vp.fovYDegrees * .pi / 180) / Float(vp.viewportHeight)
        let height = abs(vp.eye.y)
        for (spacing, color) in [(Float(1), Self.minorColor), (5, Self.majorColor)] {
            let end = spacing / (radiansPerPixel * Self.minimumSpacingPixels)
            guard end > height * 1.05 else { continue }
            let reach = min((end * end - height * height).squareRoot(), spacing * Float(Self.maxLinesEachSide))
            let each = min(Int(reach / spacing), Self.maxLinesEachSide)
            // Centred under the eye, on the grid.
            let cx = (vp.eye.x / spacing).rounded() * spacing
            let cz = (vp.eye.z / spacing).rounded() * spacing
            glUniform3f(lineProgram.uniform("uCentre"), cx, 0, cz)
            glUniform2f(lineProgram.uniform("uSpacingReach"), spacing, reach)
            // Faded out before the lines end, too.
            let last = min(end, (reach * reach + height * height).squareRoot())
            glUniform2f(lineProgram.uniform("uFade"), last * 0.4, last)
            glUniform3f(lineProgram.uniform("uColor"), color.x, color.y, color.z)
            lines.draw(instances: instances, offset: 0, count: 1, indexCount: 4 * (2 * each + 1))
        }
    }
}
