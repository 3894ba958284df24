import CEGL
import Foundation
import SceneLedger

/// One frame: cull, choose levels, fit everything into the triangle budget, then draw front
/// to back (devices, connections, ground) so a CPU rasterizer's depth test rejects hidden
/// pixels before shading them, and the flow particles last.
///
/// Three ways to make a frame:
/// - whole: everything drawn;
/// - from the still layer (`StaticLayer`), when only the particles moved: the layer is
///   copied in and the particles drawn over it;
/// - patched: the layer is valid but a change damaged part of it (`SceneDamage`): only the
///   damaged pixels of the layer are drawn again, then the frame is made from the layer.
///
/// A frame made from the layer with the particles of the frame before (the same scene
/// time: `FramePacer` holds the flows still between animation steps) is drawn over that
/// frame only where it changed: the layer's patch and the probe marker. Its
/// `changedRows` let the read convert just those rows again.
extension GPUScene {
    /// A device inside the view this frame.
    private struct Candidate {
        var id: UUID
        var model: ModelRef
        var data: InstanceData
        var sphere: SceneDamage.Sphere
        var height: Double
        var distance: Float
        var level: Int
    }

    /// What the still part of a frame drew.
    struct Still {
        var stats: RenderStats
        var deviceTriangles: Int
    }

    /// Devices shorter than this on screen may be drawn as their bounding box.
    static let boxPixels = 14.0
    /// Below this many pixels across, arrows and particles are left out.
    static let smallPixels = 1.5
    /// Below this many pixels across, a tube is drawn as a ribbon facing the eye.
    static let ribbonPixels = 4.0
    /// The longest piece of tube drawn as one, in pixels on screen.
    static let tubePiecePixels: Float = 96
    /// A patch may cover at most this share of the frame; a larger one is drawn whole.
    static let maxPatchShare = 0.4

    /// `pixelsPerTriangle` sets the detail levels aim for (`LODChain.pixelsPerTriangle`).
    /// `view` is what the frame is drawn for (camera, viewer, size) and `target` where it goes,
    /// bound for drawing.
    func draw(
        _ vp: ViewProjection, view: DrawnView, sceneTimeMicros: Int64, triangleBudget: Int, pixelsPerTriangle: Double,
        target: GLFramebuffer
    ) throws(RendererError) -> RenderStats {
        let held = heldFrameParticles
        heldFrameParticles = nil
        let (stats, particles) = try draw(
            vp, view: view, sceneTimeMicros: sceneTimeMicros, triangleBudget: triangleBudget, pixelsPerTriangle: pixelsPerTriangle,
            target: target, held: held)
        heldFrameParticles = particles
        return stats
    }

    /// `held`: the particles of the frame `target` holds, if it holds the last one drawn.
    /// Returns the frame's statistics and its particles.
    private func draw(
        _ vp: ViewProjection, view: DrawnView, sceneTimeMicros: Int64, triangleBudget: Int, pixelsPerTriangle: Double,
        target: GLFramebuffer, held: [Particle]?
    ) throws(RendererError) -> (RenderStats, [Particle]) {
        glEnable(GLenum(GL_DEPTH_TEST))
        glDepthFunc(GLenum(GL_LEQUAL))
        glDepthMask(GLboolean(GL_TRUE))
        glDisable(GLenum(GL_CULL_FACE))
        glDisable(GLenum(GL_BLEND))

        // Connections first: what they draw comes off the devices' share of the budget.
        let links = visibleLinks(vp, sceneTimeMicros: sceneTimeMicros, budget: triangleBudget / 2)
        if damage.linksChanged {
            if let stale = staleLinks, let fresh = linkCache { Self.linkDamage(from: stale, to: fresh, into: &damage) } else { damage.addEverything() }
        }
        let key = StaticLayer.Key(view: view, triangleBudget: triangleBudget, pixelsPerTriangle: pixelsPerTriangle)
        let changed = !damage.isEmpty
        defer {
            lastFrameKey = key
            lastFrameAnimated = !links.particles.isEmpty
            damage.clear()
            markerFlipped = false
            staleLinks = nil
        }
        // The target holds the frame before, and this one moves no particle on it.
        let overHeld = lastFrameKey == key && held == links.particles
        if let layer = staticLayer, let saved = layer.usable(for: key, deviceBudget: max(0, triangleBudget - links.triangles)) {
            guard changed else {
                let stats = try frame(from: layer, patched: nil, over: saved.stats, drawCalls: 1, links.particles, vp, target: target, overHeld: overHeld)
                return (stats, links.particles)
            }
            if let rect = damage.rect(in: vp), Double(rect.area) <= Self.maxPatchShare * Double(view.width * view.height) {
                if let still = try patch(layer, rect: rect, vp, links: links, key: key) {
                    var stats = try frame(
                        from: layer, patched: rect, over: still.stats, drawCalls: still.stats.drawCalls + 1, links.particles, vp,
                        target: target, overHeld: overHeld)
                    stats.patchedPixels = rect.area
                    return (stats, links.particles)
                }
                target.bindForDrawing()
            }
        }
        return (try drawWhole(vp, links: links, key: key, changed: changed, target: target), links.particles)
    }

    /// Makes the frame from the layer (its `patched` pixels just drawn again, if any) and
    /// `particles`. Over the held frame (`overHeld`: same key, same particles), only the
    /// patched pixels and the probe marker's square can differ from it: only they are
    /// copied from the layer and get the particles drawn over them again (scissored), and
    /// `changedRows` names their rows. Otherwise the whole layer is copied in.
    private func frame(
        from layer: StaticLayer, patched: PixelRect?, over still: RenderStats, drawCalls: Int, _ particles: [Particle], _ vp: ViewProjection,
        target: GLFramebuffer, overHeld: Bool
    ) throws(RendererError) -> RenderStats {
        guard overHeld else {
            layer.restore(into: target)
            return try drawParticles(particles, vp, over: still, drawCalls: drawCalls)
        }
        var rect = patched ?? .empty
        if markerFlipped { rect = rect.union(ProbeMarker.rect(width: target.width, height: target.height)) }
        if !rect.isEmpty { layer.restore(rect, into: target) }
        var stats = try drawParticles(particles, vp, over: still, drawCalls: drawCalls, clip: rect)
        stats.changedRows = rect.minY..<rect.maxY
        return stats
    }

    /// Draws `particles` over what the target holds; `still` is what lies under them. With
    /// a `clip`, only its pixels are drawn (none when it is empty); the statistics are the
    /// whole frame's either way.
    private func drawParticles(
        _ particles: [Particle], _ vp: ViewProjection, over still: RenderStats, drawCalls: Int, fromLayer: Bool = true,
        clip: PixelRect? = nil
    ) throws(RendererError) -> RenderStats {
        var stats = still
        stats.visibleParticles = particles.count
        stats.drawnTriangles += ParticleBatch.triangleCount * particles.count
        stats.drawCalls = drawCalls + (particles.isEmpty ? 0 : 1)
        stats.fromStaticLayer = fromLayer
        if !particles.isEmpty, clip?.isEmpty != true {
            if let clip {
                glEnable(GLenum(GL_SCISSOR_TEST))
                clip.scissor()
            }
            useMeshProgram(vp)
            particleBatch.draw(particles, radius: SceneStyle.particleRadius, vp)
            if clip != nil { glDisable(GLenum(GL_SCISSOR_TEST)) }
        }
        try RendererError.checkGL("flow particles")
        return stats
    }

    /// Binds the lit-mesh program for `vp` and uploads `floats` (instance data), if any, into
    /// the instance buffer.
    private func useMeshProgram(_ vp: ViewProjection, instances floats: [Float]? = nil) {
        var matrix = vp.viewProjection.m
        glUseProgram(meshProgram.name)
        glUniformMatrix4fv(meshProgram.uniform("uViewProjection"), 1, GLboolean(GL_FALSE), &matrix)
        guard let floats else { return }
        glBindBuffer(GLenum(GL_ARRAY_BUFFER), instanceBuffer)
        glBufferData(GLenum(GL_ARRAY_BUFFER), floats.count * 4, floats, GLenum(GL_STREAM_DRAW))
    }

    /// The whole frame: the still part (saved first when the frame merely animates), then
    /// the particles.
    private func drawWhole(
        _ vp: ViewProjection, links: LinkInstances, key: StaticLayer.Key, changed: Bool, target: GLFramebuffer
    ) throws(RendererError) -> RenderStats {
        let still = try drawStill(vp, links: links, key: key, clip: nil)
        if let layer = try layerToSave(for: key, target: target, animates: !links.particles.isEmpty, changed: changed) {
            layer.save(from: target, StaticLayer.Saved(key: key, stats: still.stats, deviceTriangles: still.deviceTriangles))
        }
        return try drawParticles(links.particles, vp, over: still.stats, drawCalls: still.stats.drawCalls, fromLayer: false)
    }

    /// Redraws the pixels in `rect` of the layer from the scene as it is now, and makes the
    /// result the layer's. Nil (and the layer invalid) when the change made the triangle
    /// budget choose other levels: the frame is then drawn whole.
    private func patch(
        _ layer: StaticLayer, rect: PixelRect, _ vp: ViewProjection, links: LinkInstances, key: StaticLayer.Key
    ) throws(RendererError) -> Still? {
        layer.framebuffer.bindForDrawing()
        glEnable(GLenum(GL_SCISSOR_TEST))
        rect.scissor()
        defer { glDisable(GLenum(GL_SCISSOR_TEST)) }
        let still = try drawStill(vp, links: links, key: key, clip: rect)
        guard !still.stats.budgetLimited else {
            layer.invalidate()
            return nil
        }
        layer.replace(StaticLayer.Saved(key: key, stats: still.stats, deviceTriangles: still.deviceTriangles))
        return still
    }

    /// The world-space bounding sphere of a device entry (whose model, if the caller has
    /// it at hand, is `model`).
    func bounds(of entry: DeviceEntry, model: Model? = nil) -> SceneDamage.Sphere {
        let model = model ?? self.model(entry.model)
        let world = entry.data.model.transform(model.center)
        return SceneDamage.Sphere(center: SIMD3(world.x, world.y, world.z), radius: model.radius * Self.scale(of: entry.data.model))
    }

    /// Clears and draws devices, tubes, arrows and the ground into the bound framebuffer.
    /// With a `clip` (the scissor set to it), only what may cover its pixels is drawn; the
    /// statistics are the whole frame's either way, and the pixels inside the clip the same.
    private func drawStill(_ vp: ViewProjection, links: LinkInstances, key: StaticLayer.Key, clip: PixelRect?) throws(RendererError) -> Still {
        var stats = RenderStats()
        let ground = SceneGround.color
        glClearColor(ground.x, ground.y, ground.z, 1)
        glClearDepthf(1)
        glClear(GLbitfield(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT))
        /// Whether something bounded by `sphere` may cover pixels inside the clip.
        func inClip(_ sphere: SceneDamage.Sphere) -> Bool {
            guard let clip else { return true }
            return PixelRect.covering(sphere, in: vp).map { $0.intersects(clip) } ?? true
        }

        var candidates: [Candidate] = []
        candidates.reserveCapacity(devices.count)
        for (id, entry) in devices {
            let model = self.model(entry.model)
            let sphere = bounds(of: entry, model: model)
            guard vp.isVisible(center: sphere.center, radius: sphere.radius) else {
                stats.culledDevices += 1
                continue
            }
            let height = vp.projectedHeightPixels(center: sphere.center, radius: sphere.radius)
            var level = LODChain.level(forProjectedHeightPixels: height, triangleCounts: model.triangleCounts, pixelsPerTriangle: key.pixelsPerTriangle)
            // The box stands in only for devices a few pixels tall (or when the budget insists).
            if model.hasBox, level == model.levels.count - 1, height >= Self.boxPixels, level > 0 { level -= 1 }
            let distance = dot(sphere.center - vp.eye, sphere.center - vp.eye).squareRoot()
            candidates.append(
                Candidate(id: id, model: entry.model, data: entry.data, sphere: sphere, height: height, distance: distance, level: level))
        }
        // Nearest first; ties (rare) by id, so a frame never depends on dictionary order.
        candidates.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.id.precedes($1.id) }
        stats.visibleDevices = candidates.count
        let budget = TriangleBudget(maxTriangles: max(0, key.triangleBudget - links.triangles)).apply(
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
            stats.drawnTriangles += model(group.model).triangleCounts[level]
            guard inClip(candidate.sphere) else { continue }
            if groups[group] == nil { groupOrder.append(group) }
            groups[group, default: []].append(candidate.data)
        }
        let deviceTriangles = stats.drawnTriangles
        // Instance 0 is the identity, for the ground and lines (which read no instance data).
        var floats: [Float] = []
        floats.reserveCapacity((candidates.count + links.tubes.count + links.ribbons.count + links.arrows.count + 1) * 21)
        InstanceData(model: .identity, color: SIMD4(1, 1, 1, 1), highlight: 0).append(to: &floats)
        var draws: [(mesh: GPUMesh, offset: Int, count: Int)] = []
        func add(_ mesh: GPUMesh, _ instances: [InstanceData]) {
            guard !instances.isEmpty else { return }
            draws.append((mesh, floats.count * 4, instances.count))
            for instance in instances { instance.append(to: &floats) }
        }
        /// Connection instances (unit cylinders and ribbons along y) that may touch the clip.
        func clipped(_ instances: [InstanceData], _ mesh: GPUMesh, radius: Float) -> [InstanceData] {
            stats.drawnTriangles += mesh.triangleCount * instances.count
            guard clip != nil else { return instances }
            return instances.filter { inClip(Self.bounds(ofSegment: $0, radius: radius)) }
        }
        for group in groupOrder { add(model(group.model).levels[group.level], groups[group]!) }
        add(tube, clipped(links.tubes, tube, radius: SceneStyle.tubeRadius))
        add(ribbon, clipped(links.ribbons, ribbon, radius: SceneStyle.tubeRadius))
        add(cone, clipped(links.arrows, cone, radius: SceneStyle.arrowRadius))

        useMeshProgram(vp, instances: floats)
        for draw in draws { draw.mesh.draw(instances: instanceBuffer, offset: draw.offset, count: draw.count) }
        self.ground.draw(vp, instances: instanceBuffer)
        stats.drawCalls = draws.count + 3
        try RendererError.checkGL("scene draw")
        return Still(stats: stats, deviceTriangles: deviceTriangles)
    }

    /// The largest axis scale of a transform.
    static func scale(of matrix: Matrix4) -> Float {
        let m = matrix.m
        return max(
            (m[0] * m[0] + m[1] * m[1] + m[2] * m[2]).squareRoot(), (m[4] * m[4] + m[5] * m[5] + m[6] * m[6]).squareRoot(),
            (m[8] * m[8] + m[9] * m[9] + m[10] * m[10]).squareRoot()
        )
    }
}
