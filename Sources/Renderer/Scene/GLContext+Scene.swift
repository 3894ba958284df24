package import Foundation
package import SceneLedger

extension GLContext {
    /// Brings the GPU scene up to `state` without drawing: only the devices that `changes`
    /// name are updated; pass all changes of a fresh `RenderProjection` the first time.
    /// Afterwards `wouldRedraw(camera:viewer:)` says whether a frame is due.
    package func updateScene(
        _ state: SceneState, changes: [RenderChange], viewer: UUID? = nil
    ) throws(RendererError) {
        try requireScene().apply(changes, state: state, viewer: viewer)
    }

    /// `updateScene` and `wouldRedraw` in one call: one trip to the GL thread instead of two,
    /// for a render loop that asks on every change.
    package func updateScene(
        _ state: SceneState, changes: [RenderChange], viewer: UUID?, wouldRedrawFor camera: Camera
    ) throws(RendererError) -> Bool {
        try updateScene(state, changes: changes, viewer: viewer)
        return wouldRedraw(camera: camera, viewer: viewer)
    }

    /// What `renderFrameI420` drew.
    package struct LiveFrame: Sendable {
        package var frame: Frame
        /// `sceneAnimates` after the frame.
        package var animates: Bool
    }

    /// Draws `state` (after `changes`; nil: from scratch, as `renderScene(_:camera:...)`)
    /// and reads it as I420, in one trip to the GL thread instead of two.
    package func renderFrameI420(
        _ state: SceneState, changes: [RenderChange]?, camera: Camera, viewer: UUID?, sceneTimeMicros: Int64
    ) throws(RendererError) -> LiveFrame {
        if let changes {
            try renderScene(state, changes: changes, camera: camera, viewer: viewer, sceneTimeMicros: sceneTimeMicros)
        } else {
            try renderScene(state, camera: camera, viewer: viewer, sceneTimeMicros: sceneTimeMicros)
        }
        return LiveFrame(frame: try readFrameI420(), animates: sceneAnimates)
    }

    /// Draws `state` as seen through `camera` into the frame (then read it with
    /// `readFrameRGBA` or `readFrameI420`), after `updateScene(state, changes:...)`.
    /// Animation uses `sceneTimeMicros` (default: the state's scene time), never the clock.
    /// The latency probe marker (`ProbeMarker`) is drawn last, over everything.
    /// `triangleBudget` and `pixelsPerTriangle` default to this rasterizer's
    /// (`defaultTriangleBudget`, `pixelsPerTriangle`); tests pin them, so a golden image
    /// shows the same detail levels on a CPU rasterizer and a GPU.
    @discardableResult
    package func renderScene(
        _ state: SceneState, changes: [RenderChange], camera: Camera, viewer: UUID? = nil,
        sceneTimeMicros: Int64? = nil, triangleBudget: Int? = nil, pixelsPerTriangle: Double? = nil
    ) throws(RendererError) -> RenderStats {
        let scene = try requireScene()
        scene.apply(changes, state: state, viewer: viewer)
        let time = sceneTimeMicros ?? state.sceneTimeMicros
        return try drawFrame(sceneTimeMicros: time) { target throws(RendererError) in
            let (width, height) = (target.width, target.height)
            scene.setHover(scene.hoverTarget(camera: camera, width: width, height: height))
            let view = GPUScene.DrawnView(camera: camera, viewer: viewer, width: width, height: height)
            let stats = try scene.draw(
                ViewProjection(camera: camera, width: width, height: height), view: view, sceneTimeMicros: time,
                triangleBudget: triangleBudget ?? defaultTriangleBudget, pixelsPerTriangle: pixelsPerTriangle ?? self.pixelsPerTriangle,
                target: target)
            scene.drawProbeMarker(width: width, height: height)
            scene.lastDrawn = view
            return stats
        }
    }

    /// Draws a whole state once (for `scenecast render` and tests).
    @discardableResult
    package func renderScene(
        _ state: SceneState, camera: Camera, viewer: UUID? = nil, sceneTimeMicros: Int64? = nil,
        triangleBudget: Int? = nil, pixelsPerTriangle: Double? = nil
    ) throws(RendererError) -> RenderStats {
        var projection = RenderProjection(state: state)
        gpuScene?.reset()
        return try renderScene(
            state, changes: projection.takeChanges(), camera: camera, viewer: viewer, sceneTimeMicros: sceneTimeMicros,
            triangleBudget: triangleBudget, pixelsPerTriangle: pixelsPerTriangle
        )
    }

    /// The triangles one frame may draw when the caller names no budget: everything
    /// (devices, tubes, arrows, particles) counts. 150,000 on a CPU rasterizer, where
    /// vertex work runs on one thread at about 10 million triangles a second; 2,000,000 on a GPU.
    package var defaultTriangleBudget: Int {
        (try? info.isSoftwareRasterizer) == false ? 2_000_000 : 150_000
    }

    /// Screen pixels per triangle the detail levels aim for: one triangle per 4×4 pixels on
    /// a GPU (`LODChain.pixelsPerTriangle`), per 8×8 on a CPU rasterizer, where vertex work
    /// runs on one thread.
    package var pixelsPerTriangle: Double {
        (try? info.isSoftwareRasterizer) == false ? LODChain.pixelsPerTriangle : 64
    }

    // MARK: - Dirty-only rendering

    /// True when the last frame drawn showed flow particles, which move with scene time:
    /// while it holds, every frame differs from the one before.
    package var sceneAnimates: Bool { gpuScene?.lastFrameAnimated ?? false }

    /// Whether a frame drawn now for `camera` and `viewer` would differ from the last one
    /// drawn: true before the first frame, after a change that altered what the scene
    /// shows (a device entry, a connection, highlights, the probe marker), for another
    /// camera, viewer or frame size, when the viewer's pointer is over another device than
    /// the one tinted, and while the scene animates. `pendingChanges` are
    /// changes not yet given to `updateScene`; any that could alter this view counts.
    package func wouldRedraw(camera: Camera, viewer: UUID?, pendingChanges: [RenderChange] = []) -> Bool {
        guard let scene = gpuScene, let last = scene.lastDrawn, let size = try? size else { return true }
        scene.refreshModels()
        if scene.contentChanged || scene.lastFrameAnimated { return true }
        if last != GPUScene.DrawnView(camera: camera, viewer: viewer, width: size.width, height: size.height) { return true }
        // The viewer's pointer moved onto another device (or off one).
        if scene.hoverTarget(camera: camera, width: size.width, height: size.height) != scene.hovered { return true }
        return pendingChanges.contains { change in
            // Another participant's camera never shows in this view.
            if case .camera = change { return false }
            return true
        }
    }

    // MARK: - State

    /// The state hash of what the GPU scene last drew: equal to the command bus projection's
    /// at the same version (nil before the first frame).
    package var renderedStateHash: [UInt8]? { gpuScene?.state.stateHash }

    /// Device entries held on the GPU side (for leak checks).
    package var renderedDeviceCount: Int { gpuScene?.devices.count ?? 0 }

    private func requireScene() throws(RendererError) -> GPUScene {
        _ = try size  // throws once the context is closed
        if let gpuScene { return gpuScene }
        let scene = try GPUScene(counter: counter, library: library)
        gpuScene = scene
        return scene
    }
}
