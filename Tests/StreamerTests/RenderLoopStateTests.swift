import Foundation
import Renderer
import SceneLedger
import Testing
@testable import Streamer

/// A view's render loop folds changes through the ledger's `CommitGate` and holds frames
/// drawn ahead until their commit.
@Suite("Render loop state of a view drawing ahead")
struct RenderLoopStateTests {
    @Test("a view folds accepted events in at once; their commit asks for no second frame")
    func renderLoopFolding() {
        var loop = RenderLoopState()
        let owner = UUID()
        let state = SceneState(sceneID: UUID())
        loop.take([.state(state)], owner: owner)
        #expect(loop.hasNewChanges)
        loop.hasNewChanges = false
        let probe = SceneEvent.latencyProbed(participant: owner, probe: "p1")
        loop.take([.accepted([probe], firstVersion: state.version + 1, recordedAtMicros: 5_000)], owner: owner)
        #expect(loop.hasNewChanges && loop.projection?.version == state.version + 1, "drawn ahead")
        #expect(!loop.commits.mayRelease(version: state.version + 1))
        loop.hasNewChanges = false
        loop.take([.events([probe], firstVersion: state.version + 1, recordedAtMicros: 5_000)], owner: owner)
        #expect(!loop.hasNewChanges, "nothing new to draw: the frame drawn ahead is released")
        #expect(loop.commits.mayRelease(version: state.version + 1))
        #expect(loop.projection?.version == state.version + 1, "applied once")
    }

    @Test("while a frame waits for a slow commit, the last committed frame is sent again at the keep-alive rate")
    func keepAliveWhileHeld() {
        var loop = RenderLoopState()
        let frame = { (value: UInt8) in Frame(width: 2, height: 2, format: .i420, bytes: [UInt8](repeating: value, count: 6), sceneTimeMicros: 0) }
        #expect(loop.keepAliveWhileHeld(now: 10_000_000_000, interval: 500_000_000) == nil, "nothing held")
        loop.lastFrame = frame(1)
        loop.lastSentTime = 1_000_000_000
        loop.commits.hold(frame(2), version: 7)
        #expect(loop.keepAliveWhileHeld(now: 1_400_000_000, interval: 500_000_000) == nil, "sent 0.4 s ago")
        #expect(loop.keepAliveWhileHeld(now: 1_500_000_000, interval: 500_000_000)?.bytes == frame(1).bytes, "the committed frame again")
        #expect(loop.releaseHeld() == nil, "the held frame still waits for its commit")
    }

    @Test("input faster than commits: each held frame goes once its own version is committed")
    func heldFramesInOrder() {
        var loop = RenderLoopState()
        let owner = UUID()
        let state = SceneState(sceneID: UUID())
        let v = state.version
        let frame = { (value: UInt8) in Frame(width: 2, height: 2, format: .i420, bytes: [UInt8](repeating: value, count: 6), sceneTimeMicros: 0) }
        loop.take([.state(state)], owner: owner)
        let probe = { (n: Int) in SceneEvent.latencyProbed(participant: owner, probe: "p\(n)") }
        for n in 1...3 {
            loop.take([.accepted([probe(n)], firstVersion: v + Int64(n), recordedAtMicros: 5_000)], owner: owner)
            loop.commits.hold(frame(UInt8(n)), version: v + Int64(n))
        }
        #expect(loop.releaseHeld() == nil, "nothing committed yet")
        loop.take([.events([probe(1)], firstVersion: v + 1, recordedAtMicros: 5_000)], owner: owner)
        #expect(loop.releaseHeld()?.bytes == frame(1).bytes, "the first frame goes with the first commit")
        loop.take([.events([probe(2)], firstVersion: v + 2, recordedAtMicros: 5_000), .events([probe(3)], firstVersion: v + 3, recordedAtMicros: 5_000)], owner: owner)
        #expect(loop.releaseHeld()?.bytes == frame(3).bytes, "the newest committed frame supersedes the older")
        #expect(loop.releaseHeld() == nil && !loop.commits.isHolding)
        for n in 4...9 { loop.commits.hold(frame(UInt8(n)), version: v + Int64(n)) }
        #expect(loop.commits.held.count == RenderLoopState.maxHeld, "held frames are bounded")
    }
}
