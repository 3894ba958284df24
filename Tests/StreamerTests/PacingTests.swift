import CommandBus
import Foundation
import SceneLedger
import Testing
@testable import Streamer

@Suite("Keyframe coalescing, frame pacing and bitrate control")
struct PacingTests {
    let second: UInt64 = 1_000_000_000

    @Test("at most one forced keyframe per second; a request that comes too soon is granted when due")
    func coalescing() {
        var c = KeyframeCoalescer()
        let first = c.request(at: 10)
        let soon = c.request(at: 10 + second / 2)
        let sooner = c.request(at: 10 + second / 2 + 1)
        #expect([first, soon, sooner] == [.force, .coalesced, .coalesced])
        #expect(c.dueAt == 10 + second)
        let early = c.takeDue(at: 10 + second - 1)
        #expect(!early)
        let due = c.takeDue(at: 10 + second)
        #expect(due)
        // The request that follows a due one is granted.
        let granted = c.request(at: 10 + second)
        #expect(granted == .force)
        let again = c.takeDue(at: 10 + 3 * second)
        #expect(!again)
        let later = c.request(at: 10 + 3 * second)
        #expect(later == .force)
        c.keyframeProduced(at: 20 * second)
        let afterOwn = c.request(at: 20 * second + 1)
        #expect(afterOwn == .coalesced)
    }

    @Test("a change renders at once, change frames at most at the cap, never held back by an animation tick; animation and keep-alive rates otherwise")
    func pacing() {
        var p = FramePacer(maxFPS: 50, animationFPS: 25, keepAliveFPS: 2)
        #expect(p.nextFrame(after: nil, changed: false, animating: false) == 0)
        #expect(p.nextFrame(after: second, changed: true, animating: false) == 0)
        #expect(p.nextFrame(after: second, lastChangeFrame: second, changed: true, animating: false) == second + 20_000_000)
        // An animation tick just drawn does not hold a change back; the last change frame does.
        #expect(p.nextFrame(after: second + 5_000_000, lastChangeFrame: second - 30_000_000, changed: true, animating: true) == second - 10_000_000)
        #expect(p.nextFrame(after: second + 5_000_000, lastChangeFrame: second, changed: true, animating: true) == second + 20_000_000)
        #expect(p.nextFrame(after: second, changed: false, animating: true) == second + 40_000_000)
        #expect(p.nextFrame(after: second, changed: false, animating: false) == second + 500_000_000)
        p.limit(to: 10)
        #expect(p.nextFrame(after: 0, lastChangeFrame: 0, changed: true, animating: false) == 100_000_000)
        #expect(p.nextFrame(after: 0, changed: false, animating: true) == 100_000_000)
        p.limit(to: 1)
        #expect(p.maxFPS == 2)
    }

    @Test("flows move in animation steps: change frames between steps keep the step's time")
    func animationSteps() {
        let p = FramePacer(maxFPS: 60, animationFPS: 30, keepAliveFPS: 2)
        let ms: UInt64 = 1_000_000
        #expect(p.animationStepInterval == 33_333_333 - 8_333_333, "half a change interval short of the animation interval")
        #expect(p.takesAnimationStep(at: second, lastAnimationStep: nil))
        #expect(!p.takesAnimationStep(at: second + 16 * ms, lastAnimationStep: second), "a change frame at the cap keeps the step")
        #expect(p.takesAnimationStep(at: second + 26 * ms, lastAnimationStep: second))
        #expect(p.takesAnimationStep(at: second + 33 * ms, lastAnimationStep: second), "the next change frame at the cap steps")
        // An animation frame (a whole interval after any frame) always steps.
        #expect(p.takesAnimationStep(at: p.nextFrame(after: second, changed: false, animating: true), lastAnimationStep: second))
    }

    /// A live source whose wall clock the test sets.
    struct Source: ViewSource {
        let now: Int64
        func viewChanges() async -> AsyncStream<CommittedChange> { AsyncStream { $0.finish() } }
        func frameSceneTimeMicros(stateMicros: Int64) -> Int64 { max(stateMicros, now) }
    }

    @Test("a view draws frames between animation steps at the step's scene time; a new whole state takes the source's time again")
    func sceneTimeSteps() {
        let p = FramePacer(maxFPS: 60, animationFPS: 30, keepAliveFPS: 2)
        let ms: UInt64 = 1_000_000
        var loop = RenderLoopState()
        let owner = UUID()
        loop.take([.state(SceneState(sceneID: UUID()))], owner: owner)
        #expect(loop.sceneTime(now: second, pacer: p, source: Source(now: 7_000)) == 7_000)
        #expect(loop.sceneTime(now: second + 10 * ms, pacer: p, source: Source(now: 17_000)) == 7_000, "between steps")
        #expect(loop.sceneTime(now: second + 30 * ms, pacer: p, source: Source(now: 37_000)) == 37_000, "the next step")
        #expect(loop.animationStep?.at == second + 30 * ms)
        loop.take([.state(SceneState(sceneID: UUID()))], owner: owner)
        #expect(loop.sceneTime(now: second + 31 * ms, pacer: p, source: Source(now: 38_000)) == 38_000, "a seek or rebuild starts over")
    }

    @Test("bitrate falls with loss, rises when clean, stays in bounds; fps drops only at the floor")
    func bitrate() {
        var b = BitrateController(bounds: 1_000...8_000, maxFPS: 60, startKbps: 4_000)
        b.update(nil)
        #expect(b.kbps == 4_000)
        b.update(ReceiverReport(fractionLost: 0.2, roundTrip: 0.05))
        #expect(b.kbps == 2_800)
        #expect(b.fps == 60)
        for _ in 0..<10 { b.update(ReceiverReport(fractionLost: 0.3, roundTrip: 0.05)) }
        #expect(b.kbps == 1_000)
        #expect(b.fps < 60)
        let lowered = b.fps
        for _ in 0..<100 { b.update(ReceiverReport(fractionLost: 0, roundTrip: 0.01)) }
        #expect(b.kbps == 8_000)
        #expect(b.fps == 60 && lowered >= 15)
    }
}
