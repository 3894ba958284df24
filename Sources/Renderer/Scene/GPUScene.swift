import CEGL
import Foundation
import SceneLedger
import Synchronization

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
    /// True when the frame was made from the still part of the one before (`StaticLayer`):
    /// the layer copied in, the flow particles drawn over it.
    package var fromStaticLayer = false
    /// The pixels of the still layer drawn again for a change (`SceneDamage`) before the
    /// frame was made from it; 0 when the layer needed no patch or the frame was drawn whole.
    package var patchedPixels = 0
    /// When the frame was drawn over the one before and differs from it only in these GL
    /// rows (bottom-up; empty: in none), the rows; nil when it may differ anywhere.
    package var changedRows: Range<Int>?
}

/// The scene on the GPU: one model per `ModelRef` (with its LOD levels), per-device
/// instance data kept up to date from `RenderChange`s one entry at a time, and per-frame
/// culling, level choice and instanced draws. Lives inside `GLContext`, on the GL thread.
final class GPUScene {
    /// A library model's levels uploaded to this context.
    struct Model {
        /// What the library gave: the real model, or a placeholder for it.
        var source: LoadedModel
        var levels: [GPUMesh]
        var triangleCounts: [Int] { source.triangleCounts }
        /// Bounding sphere in model space.
        var center: SIMD3<Float> { source.center }
        var radius: Float { source.radius }
        /// True when the last level is the bounding box (`LoadedModel.levels(of:)`).
        var hasBox: Bool { source.hasBox }
    }

    struct DeviceEntry: Equatable {
        var model: ModelRef
        var data: InstanceData
    }

    let counter: GLObjectCounter
    let meshProgram: GLProgram
    let ground: SceneGround
    let library: ModelLibrary
    var models: [ModelRef: Model] = [:]
    /// The library's `generation` when the placeholders in `models` were last looked up.
    var seenGeneration: Int
    /// Connection geometry: a tube (and a ribbon for thin tubes far away), the direction
    /// cone, and the flow particles' batch.
    let tube: GPUMesh
    let ribbon: GPUMesh
    let cone: GPUMesh
    let particleBatch: ParticleBatch
    var instanceBuffer: GLuint = 0
    private(set) var devices: [UUID: DeviceEntry] = [:]
    /// The state the entries were last synchronized with.
    private(set) var state: SceneState
    private(set) var viewer: UUID?
    /// The device under the viewer's pointer, tinted lighter (`GPUScene+Hover`).
    var hovered: UUID?
    /// What applied changes altered in the still part of the frame since the last draw.
    var damage = SceneDamage()
    /// The probe marker's colour changed since the last draw.
    var markerFlipped = false
    /// True when an applied change altered what a frame shows since the last draw.
    var contentChanged: Bool { !damage.isEmpty || markerFlipped }
    /// The view the last frame was drawn for, and whether it showed moving flow particles.
    var lastDrawn: DrawnView?
    var lastFrameAnimated = false
    /// What the last frame was drawn for, and the still part of an animated view kept for
    /// the frames after it (`StaticLayer`).
    var lastFrameKey: StaticLayer.Key?
    var staticLayer: StaticLayer?
    /// The flow particles of the last frame while the frame's framebuffer still holds it
    /// (`GLContext` forgets them when it draws anything else there): a frame with the same
    /// key and particles is drawn over it only where it changed (`GPUScene+Draw`).
    var heldFrameParticles: [Particle]?
    /// Connection geometry (tubes, arrows and flow segments), kept until a device or
    /// connection changes: camera moves and probes, most of the events, leave it as it is.
    var linkCache: SceneInstances.ConnectionGeometry?
    /// The connection geometry the last frame drew, kept when a change invalidated the
    /// cache so the next frame can bound what moved (`linkDamage`).
    var staleLinks: SceneInstances.ConnectionGeometry?

    /// What a drawn frame depended on besides the scene content.
    struct DrawnView: Equatable {
        var camera: Camera
        var viewer: UUID?
        var width: Int
        var height: Int
    }

    init(counter: GLObjectCounter, library: ModelLibrary) throws(RendererError) {
        self.counter = counter
        self.library = library
        seenGeneration = library.generation.load(ordering: .acquiring)
        meshProgram = try GLProgram(label: "scene mesh", vertex: SceneShaders.meshVertex, fragment: SceneShaders.meshFragment, counter: counter)
        ground = try SceneGround(counter: counter)
        func mesh(_ build: (inout MeshBuilder) -> Void) -> GPUMesh {
            var builder = MeshBuilder()
            build(&builder)
            return GPUMesh(builder.build(), counter: counter)
        }
        tube = mesh { $0.cylinder(from: SIMD3(0, 0, 0), to: SIMD3(0, 1, 0), radius: 1, segments: 6, caps: false) }
        // A flat strip whose normals bend back at its edges, so lighting rounds it like a tube.
        let bend: Float = 0.7071
        ribbon = GPUMesh(
            Mesh(
                positions: [-1, 0, 0, 1, 0, 0, 1, 1, 0, -1, 1, 0],
                normals: [-bend, 0, bend, bend, 0, bend, bend, 0, bend, -bend, 0, bend],
                indices: [0, 1, 2, 0, 2, 3], bounds: Mesh.Bounds(min: SIMD3(-1, 0, 0), max: SIMD3(1, 1, 0))
            ),
            counter: counter
        )
        cone = mesh { $0.frustum(from: SIMD3(0, 0, 0), to: SIMD3(0, 1, 0), r0: 1, r1: 0, segments: 8) }
        particleBatch = ParticleBatch(counter: counter)
        glGenBuffers(1, &instanceBuffer)
        counter.created(.buffer)
        state = SceneState(sceneID: UUID())
    }

    deinit {
        glDeleteBuffers(1, &instanceBuffer)
        counter.deleted(.buffer)
    }

    // MARK: - Models

    func model(_ ref: ModelRef) -> Model {
        if let cached = models[ref] { return cached }
        let source = library.model(ref)
        let model = Model(source: source, levels: source.chain.levels.map { GPUMesh($0, counter: counter) })
        models[ref] = model
        return model
    }

    /// Looks again at the models drawn as placeholders once the library has finished a load
    /// since the last look: each one that changed is uploaded anew and its devices redrawn.
    /// Returns true when anything changed.
    @discardableResult
    func refreshModels() -> Bool {
        let generation = library.generation.load(ordering: .acquiring)
        guard generation != seenGeneration else { return false }
        seenGeneration = generation
        var changed: Set<ModelRef> = []
        for (ref, model) in models where model.source.placeholder != nil && library.model(ref) !== model.source {
            changed.insert(ref)
        }
        guard !changed.isEmpty else { return false }
        // Damage covers the old bounds (the entries still hold them) and the new ones.
        let using = devices.filter { changed.contains($0.value.model) }
        for entry in using.values {
            let sphere = bounds(of: entry)
            damage.add(center: sphere.center, radius: sphere.radius)
        }
        for ref in changed { models[ref] = nil }
        let highlights = SceneInstances.highlights(in: state, viewer: viewer)
        for id in using.keys {
            devices[id] = nil
            refreshEntry(id, highlights: highlights)
        }
        invalidateLinks()
        return true
    }

    // MARK: - Incremental updates

    /// Forgets every device (models stay loaded), before drawing an unrelated state.
    func reset() {
        devices.removeAll()
        linkCache = nil
        staleLinks = nil
        staticLayer = nil
        heldFrameParticles = nil
        damage.addEverything()
    }

    /// Brings the instance entries up to `state`, touching only what `changes` name.
    func apply(_ changes: [RenderChange], state: SceneState, viewer: UUID?) {
        // The marker's colour follows the counter's parity.
        if (state.probeMarker & 1) != (self.state.probeMarker & 1) { markerFlipped = true }
        self.state = state
        var highlightsChanged = viewer != self.viewer
        self.viewer = viewer
        var touched: [UUID] = []
        for change in changes {
            switch change {
            case .deviceAdded(let id), .deviceChanged(let id), .deviceRemoved(let id):
                touched.append(id)
                // A device's kind and placement put its connections' ports.
                invalidateLinks()
            case .highlights:
                highlightsChanged = true
            case .connectionAdded, .connectionChanged, .connectionRemoved:
                invalidateLinks()
            case .camera, .probe:
                // A camera reaches the frame through `draw`; the probe is checked above.
                break
            }
        }
        // Selections are resolved once per update, not once per device.
        let highlights = SceneInstances.highlights(in: state, viewer: viewer)
        for id in highlightsChanged ? Array(devices.keys) + touched : touched { refreshEntry(id, highlights: highlights) }
        refreshModels()
    }

    /// Rebuilds one device's entry from the state. Changes are coalesced per frame (removed,
    /// re-added and removed again reports each once), so the state, not the change, says
    /// what exists. The viewer's selection outranks others', which outrank the hover.
    func refreshEntry(_ id: UUID, highlights: [UUID: (Float, SIMD4<Float>?)]) {
        if let device = state.devices[id] {
            let highlight = highlights[id] ?? (id == hovered ? (SceneInstances.hoverHighlight, nil) : nil)
            let base = model(device.model).source.placeholderColor
            let entry = DeviceEntry(model: device.model, data: SceneInstances.instance(device, highlight: highlight, baseColor: base))
            let old = devices.updateValue(entry, forKey: id)
            guard old != entry else { return }
            for changed in [old, entry].compactMap({ $0 }) {
                let sphere = bounds(of: changed)
                damage.add(center: sphere.center, radius: sphere.radius)
            }
        } else if let old = devices.removeValue(forKey: id) {
            let sphere = bounds(of: old)
            damage.add(center: sphere.center, radius: sphere.radius)
        }
    }

    /// Drops the cached connection geometry, keeping what the last frame drew to compare.
    func invalidateLinks() {
        if staleLinks == nil { staleLinks = linkCache }
        linkCache = nil
        damage.linksChanged = true
    }

    /// The latency probe marker: a square of `ProbeMarker.size` pixels in the frame's top-left
    /// corner, black on its left half and white on its right, drawn over everything as two
    /// scissored clears (exact colours, every MSAA sample, no shader), and only while the
    /// probe counter is odd (`ProbeMarker.isShown`). When it goes away, the damage of the
    /// flip (`markerFlipped`) redraws the scene under it.
    func drawProbeMarker(width: Int, height: Int) {
        guard ProbeMarker.isShown(forCounter: state.probeMarker) else { return }
        let halves = ProbeMarker.halves(width: width, height: height)
        glEnable(GLenum(GL_SCISSOR_TEST))
        glColorMask(GLboolean(GL_TRUE), GLboolean(GL_TRUE), GLboolean(GL_TRUE), GLboolean(GL_TRUE))
        for (rect, value) in [(halves.black, Float(0)), (halves.white, Float(1))] where !rect.isEmpty {
            // GL rows run bottom-up; the frame's row 0 (its top) is GL's row height - 1.
            rect.scissor()
            glClearColor(value, value, value, 1)
            glClear(GLbitfield(GL_COLOR_BUFFER_BIT))
        }
        glDisable(GLenum(GL_SCISSOR_TEST))
    }
}
