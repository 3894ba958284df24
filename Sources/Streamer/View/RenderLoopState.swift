import CommandBus
import Foundation
import Renderer
import SceneLedger

/// What a view's render loop carries from one frame to the next: its projection of the
/// live state, the camera it follows, and whether the next frame must be drawn.
struct RenderLoopState {
    var projection: RenderProjection?
    /// The GPU scene must be rebuilt from the whole state (first frame, after a rebuild).
    var reset = true
    /// Changes arrived that the GPU scene has not seen.
    var hasNewChanges = false
    /// The next frame differs from the last one drawn.
    var needsDraw = true
    var camera = Camera.default
    var lastFrameTime: UInt64?
    /// When the last frame drawn because the view changed was started.
    var lastChangeFrameTime: UInt64?
    var lastFrame: Frame?

    /// Folds the live changes in.
    mutating func take(_ changes: [CommittedChange], owner: UUID) {
        for change in changes {
            hasNewChanges = true
            switch change {
            case .state(let state):
                projection = RenderProjection(state: state)
                reset = true
            case .events(let events, let first, let at):
                for (i, event) in events.enumerated() {
                    projection?.apply(event, version: first + Int64(i), recordedAtMicros: at)
                }
            }
        }
        if let owned = projection?.state.participants[owner]?.camera { camera = owned }
    }

    /// Gives new changes to the GPU scene and asks it whether the view changed.
    mutating func updateScene(_ gl: GLContext, owner: UUID) async throws(RendererError) {
        guard hasNewChanges, var current = projection else { return }
        hasNewChanges = false
        if reset {
            needsDraw = true
            return
        }
        try await gl.updateScene(current.state, changes: current.takeChanges(), viewer: owner)
        projection = current
        if await gl.wouldRedraw(camera: camera, viewer: owner) { needsDraw = true }
    }

    /// Renders and reads back one frame at the scene time the source gives (live: the wall
    /// clock, so flows animate between events; replay: the playhead).
    mutating func draw(_ gl: GLContext, owner: UUID, source: some ViewSource) async throws(RendererError) -> Frame {
        guard var current = projection else { throw RendererError(.closed, "no scene state yet") }
        let time = source.frameSceneTimeMicros(stateMicros: current.state.sceneTimeMicros)
        if reset {
            _ = current.takeChanges()
            try await gl.renderScene(current.state, camera: camera, viewer: owner, sceneTimeMicros: time)
            reset = false
        } else {
            try await gl.renderScene(current.state, changes: current.takeChanges(), camera: camera, viewer: owner, sceneTimeMicros: time)
        }
        projection = current
        let frame = try await gl.readFrameI420()
        lastFrame = frame
        needsDraw = false
        return frame
    }
}
