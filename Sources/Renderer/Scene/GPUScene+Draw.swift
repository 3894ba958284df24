import CEGL
import Foundation
import SceneLedger

/// One frame: cull, choose levels, fit everything into the triangle budget, then draw front
/// to back (devices, connections, ground) so a CPU rasterizer's depth test rejects hidden
/// pixels before shading them.
extension GPUScene {
    /// A device inside the view this frame.
    private struct Candidate {
        var id: UUID
        var model: ModelRef
        var data: InstanceData
        var height: Double
        var distance: Float
        var level: Int
    }

    /// Connection instances that survived culling, with their triangles.
    private struct Links {
        var tubes: [InstanceData] = []
        var ribbons: [InstanceData] = []
        var arrows: [InstanceData] = []
        var particles: [InstanceData] = []
        var triangles = 0
    }

    /// Devices shorter than this on screen may be drawn as their bounding box.
    static let boxPixels = 14.0
    /// Below this many pixels across, arrows and particles are left out.
    static let smallPixels = 1.5
    /// Below this many pixels across, a tube is drawn as a ribbon facing the eye.
    static let ribbonPixels = 4.0
    /// The longest piece of tube drawn as one, in pixels on screen.
    static let tubePiecePixels: Float = 96

    /// `pixelsPerTriangle` sets the detail levels aim for (`LODChain.pixelsPerTriangle`).
    /// `view` is what the frame is drawn for (camera, viewer, size) and `target` where it goes,
    /// bound for drawing. Animation-only frames reuse the still part (`StaticLayer`).
    func draw(
        _ vp: ViewProjection, view: DrawnView, sceneTimeMicros: Int64, triangleBudget: Int, pixelsPerTriangle: Double,
        target: GLFramebuffer
    ) throws(RendererError) -> RenderStats {
        glEnable(GLenum(GL_DEPTH_TEST))
        glDepthFunc(GLenum(GL_LEQUAL))
        glDepthMask(GLboolean(GL_TRUE))
        glDisable(GLenum(GL_CULL_FACE))
        glDisable(GLenum(GL_BLEND))

        // Connections first: what they draw comes off the devices' share of the budget.
        let links = visibleLinks(vp, sceneTimeMicros: sceneTimeMicros, budget: triangleBudget / 2)
        let key = StaticLayer.Key(view: view, hovered: hovered, triangleBudget: triangleBudget, pixelsPerTriangle: pixelsPerTriangle)
        let changed = contentChanged
        defer {
            lastFrameKey = key
            lastFrameAnimated = !links.particles.isEmpty
            contentChanged = false
        }
        if !changed, let layer = staticLayer,
            let saved = layer.usable(for: key, deviceBudget: max(0, triangleBudget - links.triangles))
        {
            layer.restore(into: target)
            return try drawParticles(links.particles, vp, over: saved.stats)
        }
        return try drawWhole(vp, links: links, key: key, changed: changed, pixelsPerTriangle: pixelsPerTriangle, target: target)
    }

    /// Draws only `particles` over what the target holds (a restored still layer).
    private func drawParticles(_ particles: [InstanceData], _ vp: ViewProjection, over still: RenderStats) throws(RendererError) -> RenderStats {
        var stats = still
        stats.visibleParticles = particles.count
        stats.drawnTriangles += particle.triangleCount * particles.count
        stats.drawCalls = particles.isEmpty ? 1 : 2
        stats.fromStaticLayer = true
        if !particles.isEmpty {
            var floats: [Float] = []
            floats.reserveCapacity(particles.count * 21)
            for instance in particles { instance.append(to: &floats) }
            useMeshProgram(vp, instances: floats)
            particle.draw(instances: instanceBuffer, offset: 0, count: particles.count)
        }
        try RendererError.checkGL("particles over the still layer")
        return stats
    }

    /// Binds the lit-mesh program for `vp` and uploads `floats` (instance data) into the
    /// instance buffer.
    private func useMeshProgram(_ vp: ViewProjection, instances floats: [Float]) {
        var matrix = vp.viewProjection.m
        glUseProgram(meshProgram.name)
        glUniformMatrix4fv(meshProgram.uniform("uViewProjection"), 1, GLboolean(GL_FALSE), &matrix)
        glBindBuffer(GLenum(GL_ARRAY_BUFFER), instanceBuffer)
        glBufferData(GLenum(GL_ARRAY_BUFFER), floats.count * 4, floats, GLenum(GL_STREAM_DRAW))
    }

    /// The whole frame: devices, connections and the ground, then the particles (the still
    /// part saved first when the frame merely animates).
    private func drawWhole(
        _ vp: ViewProjection, links: Links, key: StaticLayer.Key, changed: Bool, pixelsPerTriangle: Double,
        target: GLFramebuffer
    ) throws(RendererError) -> RenderStats {
        var stats = RenderStats()
        stats.visibleParticles = links.particles.count
        let triangleBudget = key.triangleBudget
        // The ground's colour: the ground is everything no sky or geometry covers.
        let ground = SceneGround.color
        glClearColor(ground.x, ground.y, ground.z, 1)
        glClearDepthf(1)
        glClear(GLbitfield(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT))

        var candidates: [Candidate] = []
        candidates.reserveCapacity(devices.count)
        for (id, entry) in devices {
            let model = self.model(entry.model)
            let world = entry.data.model.transform(model.center)
            let center = SIMD3(world.x, world.y, world.z)
            let radius = model.radius * Self.scale(of: entry.data.model)
            guard vp.isVisible(center: center, radius: radius) else {
                stats.culledDevices += 1
                continue
            }
            let height = vp.projectedHeightPixels(center: center, radius: radius)
            var level = LODChain.level(forProjectedHeightPixels: height, triangleCounts: model.triangleCounts, pixelsPerTriangle: pixelsPerTriangle)
            // The box stands in only for devices a few pixels tall (or when the budget insists).
            if model.hasBox, level == model.levels.count - 1, height >= Self.boxPixels, level > 0 { level -= 1 }
            let distance = dot(center - vp.eye, center - vp.eye).squareRoot()
            candidates.append(Candidate(id: id, model: entry.model, data: entry.data, height: height, distance: distance, level: level))
        }
        // Nearest first; ties (rare) by id, so a frame never depends on dictionary order.
        candidates.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id.precedes($1.id) }
        stats.visibleDevices = candidates.count
        let budget = TriangleBudget(maxTriangles: max(0, triangleBudget - links.triangles)).apply(
            candidates.map {
                TriangleBudget.Instance(projectedHeightPixels: $0.height, level: $0.level, levelTriangles: model($0.model).triangleCounts)
            }
        )
        stats.budgetLimited = zip(budget.levels, candidates).contains { $0 != $1.level }

        // One instanced draw per model and level, in the order of each group's nearest instance.
        struct Group: Hashable {
            var model: ModelRef
            var level: Int
        }
        var groupOrder: [Group] = []
        var groups: [Group: [InstanceData]] = [:]
        for (candidate, level) in zip(candidates, budget.levels) {
            let group = Group(model: candidate.model, level: level)
            if groups[group] == nil { groupOrder.append(group) }
            groups[group, default: []].append(candidate.data)
        }
        // Instance 0 is the identity, for the ground and lines (which read no instance data).
        var floats: [Float] = []
        floats.reserveCapacity((candidates.count + links.tubes.count + links.ribbons.count + links.arrows.count + links.particles.count + 1) * 21)
        InstanceData(model: .identity, color: SIMD4(1, 1, 1, 1), highlight: 0).append(to: &floats)
        var draws: [(mesh: GPUMesh, offset: Int, count: Int)] = []
        func add(_ mesh: GPUMesh, _ instances: [InstanceData]) {
            guard !instances.isEmpty else { return }
            draws.append((mesh, floats.count * 4, instances.count))
            for instance in instances { instance.append(to: &floats) }
            stats.drawnTriangles += mesh.triangleCount * instances.count
        }
        for group in groupOrder { add(model(group.model).levels[group.level], groups[group]!) }
        let deviceTriangles = stats.drawnTriangles
        add(tube, links.tubes)
        add(ribbon, links.ribbons)
        add(cone, links.arrows)
        let still = stats
        let particles = draws.count
        add(particle, links.particles)

        useMeshProgram(vp, instances: floats)
        for draw in draws[..<particles] { draw.mesh.draw(instances: instanceBuffer, offset: draw.offset, count: draw.count) }
        self.ground.draw(vp, instances: instanceBuffer)
        stats.drawCalls = draws.count + 3
        if let layer = try layerToSave(for: key, target: target, animates: !links.particles.isEmpty, changed: changed) {
            var saved = still
            saved.drawCalls = particles + 3
            layer.save(from: target, StaticLayer.Saved(key: key, stats: saved, deviceTriangles: deviceTriangles))
        }
        // Particles last, over the ground (whose lines used their own program).
        glUseProgram(meshProgram.name)
        for draw in draws[particles...] { draw.mesh.draw(instances: instanceBuffer, offset: draw.offset, count: draw.count) }
        try RendererError.checkGL("scene draw")
        return stats
    }

    /// The unit ribbon (x in −1...1, y in 0...1) turned to face `eye` and stretched from a to b.
    static func ribbon(from a: SIMD3<Float>, to b: SIMD3<Float>, radius: Float, eye: SIMD3<Float>) -> Matrix4? {
        let axis = b - a
        let length = dot(axis, axis).squareRoot()
        guard length > 1e-4 else { return nil }
        let y = axis / length
        var x = cross(y, eye - (a + b) / 2)
        if dot(x, x) < 1e-10 { x = cross(y, abs(y.y) < 0.99 ? SIMD3(0, 1, 0) : SIMD3(1, 0, 0)) }
        x = normalize(x)
        return Matrix4.translation(a) * Matrix4.basis(x, y, cross(x, y)) * Matrix4.scale(SIMD3(radius, length, radius))
    }

    /// The largest axis scale of a transform.
    static func scale(of matrix: Matrix4) -> Float {
        let m = matrix.m
        return max(
            (m[0] * m[0] + m[1] * m[1] + m[2] * m[2]).squareRoot(), (m[4] * m[4] + m[5] * m[5] + m[6] * m[6]).squareRoot(),
            (m[8] * m[8] + m[9] * m[9] + m[10] * m[10]).squareRoot()
        )
    }

    /// Tubes, arrows and particles inside the view and big enough to see, with particles
    /// beyond what `budget` leaves after tubes and arrows dropped, farthest first.
    private func visibleLinks(_ vp: ViewProjection, sceneTimeMicros: Int64, budget: Int) -> Links {
        let geometry = linkCache ?? SceneInstances.connectionGeometry(in: state)
        linkCache = geometry
        var links = Links()
        /// A unit-cylinder instance's end points.
        func ends(_ i: InstanceData) -> (SIMD3<Float>, SIMD3<Float>) {
            let a = i.model.transform(SIMD3(0, 0, 0))
            let b = i.model.transform(SIMD3(0, 1, 0))
            return (SIMD3(a.x, a.y, a.z), SIMD3(b.x, b.y, b.z))
        }
        /// Pixels across a sphere of `radius` at the nearer end of a segment, or nil when out of view.
        func pixels(_ a: SIMD3<Float>, _ b: SIMD3<Float>, radius: Float) -> Double? {
            guard vp.isVisible(center: (a + b) / 2, radius: dot(b - a, b - a).squareRoot() / 2 + radius) else { return nil }
            let near = dot(a - vp.eye, a - vp.eye).squareRoot() < dot(b - vp.eye, b - vp.eye).squareRoot() ? a : b
            return vp.projectedHeightPixels(center: near, radius: radius)
        }
        for t in geometry.tubes {
            let (a, b) = ends(t)
            guard let size = pixels(a, b, radius: SceneStyle.tubeRadius) else { continue }
            guard size < Self.ribbonPixels else {
                // A CPU rasterizer tests every screen tile a triangle's bounding box touches, and
                // a long diagonal tube's boxes cover much of the screen: long tubes are drawn in
                // pieces of about `tubePiecePixels` on screen, whose boxes are small.
                let pieces = min(max(Int(vp.screenLength(a, b) / Self.tubePiecePixels), 1), 32)
                for k in 0..<pieces {
                    let piece = pieces == 1 ? t.model : SceneInstances.tube(
                        from: a + (b - a) * (Float(k) / Float(pieces)), to: a + (b - a) * (Float(k + 1) / Float(pieces)),
                        radius: SceneStyle.tubeRadius)
                    if let piece { links.tubes.append(InstanceData(model: piece, color: t.color, highlight: t.highlight)) }
                }
                continue
            }
            // Thin tubes are ribbons facing the eye: two long triangles instead of twelve.
            if let ribbon = Self.ribbon(from: a, to: b, radius: SceneStyle.tubeRadius, eye: vp.eye) {
                links.ribbons.append(InstanceData(model: ribbon, color: t.color, highlight: t.highlight))
            }
        }
        for arrow in geometry.arrows {
            let (a, b) = ends(arrow)
            if let size = pixels(a, b, radius: SceneStyle.arrowRadius), size >= Self.smallPixels { links.arrows.append(arrow) }
        }
        // Particles: whole flows out of view or too far to show them are skipped before any
        // particle is placed; matrices are made only for the particles that are drawn.
        var particles: [(SIMD3<Float>, SIMD4<Float>, Float)] = []
        for flow in geometry.flows {
            guard let size = pixels(flow.from, flow.to, radius: SceneStyle.particleRadius), size >= Self.smallPixels else { continue }
            for c in SceneInstances.particles(from: flow.from, to: flow.to, sceneTimeMicros: sceneTimeMicros) {
                guard let size = pixels(c, c, radius: SceneStyle.particleRadius), size >= Self.smallPixels else { continue }
                particles.append((c, flow.color, dot(c - vp.eye, c - vp.eye)))
            }
        }
        let fixed = tube.triangleCount * links.tubes.count + ribbon.triangleCount * links.ribbons.count
            + cone.triangleCount * links.arrows.count
        let room = max(0, budget - fixed) / max(particle.triangleCount, 1)
        if particles.count > room {
            particles.sort { $0.2 < $1.2 }
            particles.removeLast(particles.count - room)
        }
        let r = SceneStyle.particleRadius
        links.particles = particles.map { p, color, _ in
            InstanceData(model: Matrix4.translation(p) * Matrix4.scale(SIMD3(r, r, r)), color: color, highlight: 0)
        }
        links.triangles = fixed + particle.triangleCount * links.particles.count
        return links
    }
}
