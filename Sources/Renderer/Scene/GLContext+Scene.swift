package import Foundation
package import SceneLedger

extension GLContext {
    /// Draws `state` as seen through `camera` into the frame (then read it with
    /// `readFrameRGBA` or `readFrameI420`). Only the devices that `changes` name are
    /// updated on the GPU; pass all changes of a fresh `RenderProjection` the first time.
    /// Animation uses `sceneTimeMicros` (default: the state's scene time), never the clock.
    @discardableResult
    package func renderScene(
        _ state: SceneState, changes: [RenderChange], camera: Camera, viewer: UUID? = nil,
        sceneTimeMicros: Int64? = nil, triangleBudget: Int = 400_000,
        models: @escaping @Sendable (ModelRef) -> Mesh? = { _ in nil }
    ) throws(RendererError) -> RenderStats {
        if gpuScene == nil { gpuScene = try GPUScene(counter: counter, modelSource: models) }
        let scene = gpuScene!
        scene.apply(changes, state: state, viewer: viewer)
        let time = sceneTimeMicros ?? state.sceneTimeMicros
        return try drawFrame(sceneTimeMicros: time) { width, height throws(RendererError) in
            try scene.draw(ViewProjection(camera: camera, width: width, height: height), sceneTimeMicros: time, triangleBudget: triangleBudget)
        }
    }

    /// Draws a whole state once (for `scenecast render` and tests).
    @discardableResult
    package func renderScene(
        _ state: SceneState, camera: Camera, viewer: UUID? = nil, sceneTimeMicros: Int64? = nil,
        triangleBudget: Int = 400_000, models: @escaping @Sendable (ModelRef) -> Mesh? = { _ in nil }
    ) throws(RendererError) -> RenderStats {
        var projection = RenderProjection(state: state)
        gpuScene?.reset()
        return try renderScene(
            state, changes: projection.takeChanges(), camera: camera, viewer: viewer, sceneTimeMicros: sceneTimeMicros,
            triangleBudget: triangleBudget, models: models
        )
    }

    /// The state hash of what the GPU scene last drew: equal to the command bus projection's
    /// at the same version (nil before the first frame).
    package var renderedStateHash: [UInt8]? { gpuScene?.state.stateHash }

    /// Device entries held on the GPU side (for leak checks).
    package var renderedDeviceCount: Int { gpuScene?.devices.count ?? 0 }
}
