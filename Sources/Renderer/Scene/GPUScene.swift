import CEGL
import Foundation
import SceneLedger

/// What one frame drew, for tests, logs and `bench render`.
package struct RenderStats: Sendable, Equatable {
    package var drawnTriangles = 0
    package var visibleDevices = 0
    package var culledDevices = 0
    package var drawCalls = 0
    /// True when the triangle budget forced coarser levels than screen size asked for.
    package var budgetLimited = false
    /// Flow particles inside the view: while there are any, the scene animates.
    package var visibleParticles = 0
}

/// The scene on the GPU: one model per `ModelRef` (with its LOD levels), per-device
/// instance data kept up to date from `RenderChange`s one entry at a time, and per-frame
/// culling, level choice and instanced draws. Lives inside `GLContext`, on the GL thread.
final class GPUScene {
    struct Model {
        var levels: [GPUMesh]
        var triangleCounts: [Int]
        /// Bounding sphere in model space.
        var center: SIMD3<Float>
        var radius: Float
    }

    struct DeviceEntry: Equatable {
        var model: ModelRef
        var data: InstanceData
    }

    private let counter: GLObjectCounter
    private let meshProgram: GLProgram
    private let gridProgram: GLProgram
    private let modelSource: @Sendable (ModelRef) -> Mesh?
    private var models: [ModelRef: Model] = [:]
    private let tube: GPUMesh
    private let cone: GPUMesh
    private let particle: GPUMesh
    private let ground: GPUMesh
    private var instanceBuffer: GLuint = 0
    private(set) var devices: [UUID: DeviceEntry] = [:]
    /// The state the entries were last synchronized with.
    private(set) var state: SceneState
    private(set) var viewer: UUID?
    /// True when an applied change altered what a frame shows since the last draw.
    private(set) var contentChanged = true
    /// The view the last frame was drawn for, and whether it showed moving flow particles.
    var lastDrawn: DrawnView?
    private(set) var lastFrameAnimated = false

    /// What a drawn frame depended on besides the scene content.
    struct DrawnView: Equatable {
        var camera: Camera
        var viewer: UUID?
        var width: Int
        var height: Int
    }

    init(counter: GLObjectCounter, modelSource: @escaping @Sendable (ModelRef) -> Mesh?) throws(RendererError) {
        self.counter = counter
        self.modelSource = modelSource
        meshProgram = try GLProgram(label: "scene mesh", vertex: SceneShaders.meshVertex, fragment: SceneShaders.meshFragment, counter: counter)
        gridProgram = try GLProgram(label: "ground grid", vertex: SceneShaders.gridVertex, fragment: SceneShaders.gridFragment, counter: counter)
        var builder = MeshBuilder()
        builder.cylinder(from: SIMD3(0, 0, 0), to: SIMD3(0, 1, 0), radius: 1, segments: 8, caps: false)
        tube = GPUMesh(builder.build(), counter: counter)
        builder = MeshBuilder()
        builder.frustum(from: SIMD3(0, 0, 0), to: SIMD3(0, 1, 0), r0: 1, r1: 0, segments: 10)
        cone = GPUMesh(builder.build(), counter: counter)
        builder = MeshBuilder()
        builder.sphere(center: SIMD3(0, 0, 0), radius: 1, segments: 6, rings: 3)
        particle = GPUMesh(builder.build(), counter: counter)
        ground = GPUMesh(
            Mesh(
                positions: [-1, 0, -1, 1, 0, -1, 1, 0, 1, -1, 0, 1], normals: [0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0],
                indices: [0, 2, 1, 0, 3, 2], bounds: Mesh.Bounds(min: SIMD3(-1, 0, -1), max: SIMD3(1, 0, 1))
            ),
            counter: counter
        )
        glGenBuffers(1, &instanceBuffer)
        counter.created(.buffer)
        state = SceneState(sceneID: UUID())
    }

    deinit {
        glDeleteBuffers(1, &instanceBuffer)
        counter.deleted(.buffer)
    }

    // MARK: - Models

    private func model(_ ref: ModelRef) -> Model {
        if let cached = models[ref] { return cached }
        let mesh = modelSource(ref) ?? GPUScene.fallbackMesh(ref)
        let chain = LODChain(full: mesh)
        let center = mesh.bounds.center
        let radius = (mesh.bounds.size * mesh.bounds.size).sum().squareRoot() / 2
        let model = Model(
            levels: chain.levels.map { GPUMesh($0, counter: counter) }, triangleCounts: chain.triangleCounts,
            center: center, radius: radius
        )
        models[ref] = model
        return model
    }

    /// A built-in model by name; uploaded models the source cannot provide draw as the
    /// work center until they load.
    static func fallbackMesh(_ ref: ModelRef) -> Mesh {
        if case .builtin(let name) = ref, let builtin = BuiltinEquipment(rawValue: name) { return builtin.mesh() }
        return BuiltinEquipment.workCenter.mesh()
    }

    // MARK: - Incremental updates

    /// Forgets every device (models stay loaded), before drawing an unrelated state.
    func reset() {
        devices.removeAll()
        contentChanged = true
    }

    /// Brings the instance entries up to `state`, touching only what `changes` name.
    func apply(_ changes: [RenderChange], state: SceneState, viewer: UUID?) {
        // The marker's colour follows the counter's parity.
        if (state.probeMarker & 1) != (self.state.probeMarker & 1) { contentChanged = true }
        self.state = state
        var highlightsChanged = viewer != self.viewer
        self.viewer = viewer
        var touched: [UUID] = []
        for change in changes {
            switch change {
            case .deviceAdded(let id), .deviceChanged(let id), .deviceRemoved(let id):
                touched.append(id)
            case .highlights:
                highlightsChanged = true
            case .connectionAdded, .connectionChanged, .connectionRemoved:
                // Connections are few and drawn from the state each frame.
                contentChanged = true
            case .camera, .probe:
                // A camera reaches the frame through `draw`; the probe is checked above.
                break
            }
        }
        // Selections are resolved once per update, not once per device.
        let highlights = SceneInstances.highlights(in: state, viewer: viewer)
        for id in highlightsChanged ? Array(devices.keys) + touched : touched {
            // Changes are coalesced per frame (removed, re-added and removed again reports
            // each once), so the state, not the change, says what exists.
            if let device = state.devices[id] {
                let entry = DeviceEntry(model: device.model, data: SceneInstances.instance(device, highlight: highlights[id]))
                if devices.updateValue(entry, forKey: id) != entry { contentChanged = true }
            } else if devices.removeValue(forKey: id) != nil {
                contentChanged = true
            }
        }
    }

    // MARK: - Drawing

    func draw(_ vp: ViewProjection, sceneTimeMicros: Int64, triangleBudget: Int) throws(RendererError) -> RenderStats {
        var stats = RenderStats()
        let bg = SceneStyle.background
        glClearColor(bg.x, bg.y, bg.z, bg.w)
        glClearDepthf(1)
        glDepthMask(GLboolean(GL_TRUE))
        glClear(GLbitfield(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT))
        glEnable(GLenum(GL_DEPTH_TEST))
        glDepthFunc(GLenum(GL_LEQUAL))
        glDisable(GLenum(GL_CULL_FACE))
        glDisable(GLenum(GL_BLEND))

        // The ground first.
        glUseProgram(gridProgram.name)
        var matrix = vp.viewProjection.m
        glUniformMatrix4fv(gridProgram.uniform("uViewProjection"), 1, GLboolean(GL_FALSE), &matrix)
        glUniform1f(gridProgram.uniform("uExtent"), 400)
        glEnable(GLenum(GL_POLYGON_OFFSET_FILL))
        glPolygonOffset(1, 1)
        drawGround()
        glDisable(GLenum(GL_POLYGON_OFFSET_FILL))

        // Devices: cull, choose levels, fit the budget, then one instanced draw per level.
        struct Candidate {
            var model: ModelRef
            var data: InstanceData
            var height: Double
            var level: Int
        }
        var candidates: [Candidate] = []
        for (_, entry) in devices.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            let model = self.model(entry.model)
            let world = entry.data.model.transform(model.center)
            let m = entry.data.model.m
            let scale = max(
                (m[0] * m[0] + m[1] * m[1] + m[2] * m[2]).squareRoot(), (m[4] * m[4] + m[5] * m[5] + m[6] * m[6]).squareRoot(),
                (m[8] * m[8] + m[9] * m[9] + m[10] * m[10]).squareRoot()
            )
            let center = SIMD3(world.x, world.y, world.z)
            let radius = model.radius * scale
            guard vp.isVisible(center: center, radius: radius) else {
                stats.culledDevices += 1
                continue
            }
            let height = vp.projectedHeightPixels(center: center, radius: radius)
            let level = LODChain.level(forProjectedHeightPixels: height, triangleCounts: model.triangleCounts)
            candidates.append(Candidate(model: entry.model, data: entry.data, height: height, level: level))
        }
        stats.visibleDevices = candidates.count
        let budget = TriangleBudget(maxTriangles: triangleBudget).apply(
            candidates.map {
                TriangleBudget.Instance(projectedHeightPixels: $0.height, level: $0.level, levelTriangles: model($0.model).triangleCounts)
            }
        )
        stats.budgetLimited = zip(budget.levels, candidates).contains { $0 != $1.level }

        var groups: [ModelRef: [Int: [InstanceData]]] = [:]
        for (candidate, level) in zip(candidates, budget.levels) {
            groups[candidate.model, default: [:]][level, default: []].append(candidate.data)
        }
        // Devices come from the entries kept up to date above; only connections are derived
        // per frame (their particles move with scene time).
        let links = SceneInstances.connections(in: state, sceneTimeMicros: sceneTimeMicros)
        var floats: [Float] = []
        floats.reserveCapacity((candidates.count + links.tubes.count + links.arrows.count + links.particles.count) * 21)
        var draws: [(mesh: GPUMesh, offset: Int, count: Int)] = []
        func add(_ mesh: GPUMesh, _ instances: [InstanceData]) {
            guard !instances.isEmpty else { return }
            draws.append((mesh, floats.count * 4, instances.count))
            for instance in instances { instance.append(to: &floats) }
            stats.drawnTriangles += mesh.triangleCount * instances.count
        }
        for ref in groups.keys.sorted(by: { "\($0)" < "\($1)" }) {
            let model = self.model(ref)
            for (level, instances) in groups[ref]!.sorted(by: { $0.key < $1.key }) { add(model.levels[level], instances) }
        }
        // Connections are culled like devices: a tube by the sphere around it, a particle by its own.
        func visible(_ instances: [InstanceData], radius: (InstanceData) -> Float) -> [InstanceData] {
            instances.filter { i in
                let c = i.model.transform(SIMD3(0, 0.5, 0))
                return vp.isVisible(center: SIMD3(c.x, c.y, c.z), radius: radius(i))
            }
        }
        let lengthOf = { (i: InstanceData) -> Float in
            let m = i.model.m
            return (m[4] * m[4] + m[5] * m[5] + m[6] * m[6]).squareRoot() / 2 + 0.2
        }
        add(tube, visible(links.tubes, radius: lengthOf))
        add(cone, visible(links.arrows, radius: lengthOf))
        let particles = visible(links.particles) { _ in SceneStyle.particleRadius * 2 }
        add(particle, particles)
        stats.visibleParticles = particles.count
        lastFrameAnimated = !particles.isEmpty
        contentChanged = false

        glUseProgram(meshProgram.name)
        glUniformMatrix4fv(meshProgram.uniform("uViewProjection"), 1, GLboolean(GL_FALSE), &matrix)
        glBindBuffer(GLenum(GL_ARRAY_BUFFER), instanceBuffer)
        glBufferData(GLenum(GL_ARRAY_BUFFER), floats.count * 4, floats, GLenum(GL_STREAM_DRAW))
        for draw in draws { draw.mesh.draw(instances: instanceBuffer, offset: draw.offset, count: draw.count) }
        stats.drawCalls = draws.count + 1
        try RendererError.checkGL("scene draw")
        return stats
    }

    /// The latency probe marker: a square of `ProbeMarker.size` pixels in the frame's top-left
    /// corner, black while the probe counter is even and white while it is odd, drawn over
    /// everything as a scissored clear (exact colours, every MSAA sample, no shader).
    func drawProbeMarker(width: Int, height: Int) {
        let side = min(ProbeMarker.size, width, height)
        let value: Float = state.probeMarker & 1 == 0 ? 0 : 1
        glEnable(GLenum(GL_SCISSOR_TEST))
        // GL rows run bottom-up; the frame's row 0 (its top) is GL's row height - 1.
        glScissor(0, GLint(height - side), GLsizei(side), GLsizei(side))
        glColorMask(GLboolean(GL_TRUE), GLboolean(GL_TRUE), GLboolean(GL_TRUE), GLboolean(GL_TRUE))
        glClearColor(value, value, value, 1)
        glClear(GLbitfield(GL_COLOR_BUFFER_BIT))
        glDisable(GLenum(GL_SCISSOR_TEST))
    }

    /// The ground quad, drawn without instancing.
    private func drawGround() {
        var identity = Matrix4.identity.m + [1, 1, 1, 1, 0]
        glBindBuffer(GLenum(GL_ARRAY_BUFFER), instanceBuffer)
        glBufferData(GLenum(GL_ARRAY_BUFFER), identity.count * 4, &identity, GLenum(GL_STREAM_DRAW))
        ground.draw(instances: instanceBuffer, offset: 0, count: 1)
    }
}
