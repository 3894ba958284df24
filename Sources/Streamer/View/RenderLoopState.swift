import CommandBus
import Foundation
import Renderer
import SceneLedger

/// What a view's render loop carries from one frame to the next: its projection of the
/// live state, the camera it follows, whether the next frame must be drawn, and the frame
/// drawn ahead of a commit, held until the commit arrives (`CommitGate`).
struct RenderLoopState {
    var projection: RenderProjection?
    /// The GPU scene must be rebuilt from the whole state (first frame, after a rebuild).
    var reset = true
    /// Changes arrived that the GPU scene has not seen.
    var hasNewChanges = false
    /// The next frame differs from the last one drawn.
    var needsDraw = true
    /// The last frame drawn showed moving flows (`GLContext.sceneAnimates`), so the next
    /// differs too. Only a draw changes it, and a new context starts with none drawn.
    var animates = false
    var camera = Camera.default
    var lastFrameTime: UInt64?
    /// When the last frame drawn because the view changed was started.
    var lastChangeFrameTime: UInt64?
    /// The last frame sent: the keep-alive frame while nothing changes.
    var lastFrame: Frame?
    /// When a frame last went to the encoder, on the view's clock.
    var lastSentTime: UInt64?
    /// The scene time the flows were last moved to, and when on the view's clock (nil: the
    /// next frame moves them). Frames in between draw them there again (`FramePacer`).
    var animationStep: (sceneMicros: Int64, at: UInt64)?
    /// Frames drawn from events not committed yet, each sent once its own version is
    /// committed (the ledger's `HeldUntilCommit`, over its `CommitGate`).
    var commits = HeldUntilCommit<Frame>(capacity: maxHeld)
    /// Frames held at most; an older one is dropped for a newer.
    static let maxHeld = 4

    /// Folds the live changes in. A commit of events already drawn ahead changes nothing
    /// to draw: it only lets their frame go (`releaseHeld`).
    mutating func take(_ changes: [CommittedChange], owner: UUID) {
        for change in changes {
            switch change {
            case .state(let state):
                projection = RenderProjection(state: state)
                reset = true
                hasNewChanges = true
                commits.reset(to: state.version)
                animationStep = nil
            case .accepted(let events, let first, let at):
                let batch = CommitGate.Batch(firstVersion: first, count: events.count, recordedAtMicros: at)
                guard let version = projection?.version, commits.accept(batch, projectionVersion: version) else { continue }
                fold(events, first: first, at: at)
            case .events(let events, let first, let at):
                let batch = CommitGate.Batch(firstVersion: first, count: events.count, recordedAtMicros: at)
                guard let version = projection?.version, commits.commit(batch, projectionVersion: version) else { continue }
                fold(events, first: first, at: at)
            }
        }
        if let owned = projection?.state.participants[owner]?.camera { camera = owned }
    }

    private mutating func fold(_ events: [SceneEvent], first: Int64, at: Int64) {
        hasNewChanges = true
        for (i, event) in events.enumerated() {
            projection?.apply(event, version: first + Int64(i), recordedAtMicros: at)
        }
    }

    /// Gives new changes to the GPU scene and asks it whether the view changed.
    mutating func updateScene(_ gl: GLContext, owner: UUID) async throws(RendererError) {
        guard hasNewChanges, var current = projection else { return }
        hasNewChanges = false
        if reset {
            needsDraw = true
            return
        }
        let redraw = try await gl.updateScene(current.state, changes: current.takeChanges(), viewer: owner, wouldRedrawFor: camera)
        projection = current
        if redraw { needsDraw = true }
    }

    /// The scene time of a frame drawn at `now`: the source's (live: the wall clock, so flows
    /// animate between events; replay: the playhead) when `pacer` says the flows move on,
    /// else the last step's.
    mutating func sceneTime(now: UInt64, pacer: FramePacer, source: some ViewSource) -> Int64 {
        if let step = animationStep, !pacer.takesAnimationStep(at: now, lastAnimationStep: step.at) { return step.sceneMicros }
        let time = source.frameSceneTimeMicros(stateMicros: projection?.state.sceneTimeMicros ?? 0)
        animationStep = (time, now)
        return time
    }

    /// Renders and reads back one frame at `sceneTime`'s time. Returns the frame to send, or
    /// nil when it shows events not committed yet: it is then held until `releaseHeld` finds
    /// their commit.
    mutating func draw(_ gl: GLContext, owner: UUID, source: some ViewSource, now: UInt64, pacer: FramePacer) async throws(RendererError) -> Frame? {
        guard var current = projection else { throw RendererError(.closed, "no scene state yet") }
        let time = sceneTime(now: now, pacer: pacer, source: source)
        let changes = current.takeChanges()
        let drawn = try await gl.renderFrameI420(
            current.state, changes: reset ? nil : changes, camera: camera, viewer: owner, sceneTimeMicros: time)
        reset = false
        projection = current
        let frame = drawn.frame
        animates = drawn.animates
        needsDraw = false
        guard let sent = commits.drawn(frame, version: current.version) else { return nil }
        lastFrame = sent
        return sent
    }

    /// The last frame sent, again, when a frame has waited for its commit `interval` since
    /// anything was sent: a commit that takes long (a slow or unreachable database) must not
    /// starve decoders and congestion control, and what it sends is still committed.
    mutating func keepAliveWhileHeld(now: UInt64, interval: UInt64) -> Frame? {
        guard commits.isHolding, let lastFrame, now &- (lastSentTime ?? 0) >= interval else { return nil }
        return lastFrame
    }

    /// The newest held frame the ledger has committed, now the last frame sent, or nil.
    mutating func releaseHeld() -> Frame? {
        guard let frame = commits.releaseNewest() else { return nil }
        lastFrame = frame
        return frame
    }
}
