import Replay
import SceneLedger
import Testing

/// The pure throttle of `replay:state` during playback, with the time passed in.
@Suite("Replay state throttle")
struct ReplayStateThrottleTests {
    static let ms: UInt64 = 1_000_000

    /// Plays `causes` (one per `everyNanos`, from t = 0), running scheduled flushes when
    /// they fall due, as the driver does; returns the times states went out.
    func simulate(_ causes: [ReplayStateThrottle.Cause], everyNanos: UInt64, throttle: inout ReplayStateThrottle) -> [UInt64] {
        var sent: [UInt64] = []
        var flushAt: UInt64?
        func runFlush(upTo now: UInt64) {
            if let at = flushAt, at <= now {
                flushAt = nil
                if throttle.flush(nowNanos: at) { sent.append(at) }
            }
        }
        for (i, cause) in causes.enumerated() {
            let now = UInt64(i) * everyNanos
            runFlush(upTo: now)
            switch throttle.decide(cause, nowNanos: now) {
            case .send:
                flushAt = nil
                sent.append(now)
            case .flushAfter(let nanos): flushAt = now + nanos
            case .held: #expect(flushAt != nil, "held without a scheduled flush at \(now)")
            }
        }
        runFlush(upTo: .max)
        return sent
    }

    @Test("playback states every 10 ms for 2 s go out at most once per 200 ms, and the last one still goes out")
    func playbackIsThrottled() throws {
        var throttle = ReplayStateThrottle()
        let causes = Array(repeating: ReplayStateThrottle.Cause.playback, count: 200)
        let sent = simulate(causes, everyNanos: 10 * Self.ms, throttle: &throttle)
        for (a, b) in zip(sent, sent.dropFirst()) { #expect(b - a >= 200 * Self.ms, "\(a) then \(b)") }
        // 2 s of playback: one at the start, then one per interval (the trailing flush included).
        #expect(sent.count == 11, "\(sent)")
        #expect(sent.first == 0)
        // The trailing flush covers the last state, sent at 1990 ms.
        #expect(try #require(sent.last) >= 1_990 * Self.ms)
        #expect(!throttle.pending)
    }

    @Test("playback states further apart than the interval all go out")
    func slowPlaybackIsNotThrottled() {
        var throttle = ReplayStateThrottle()
        let sent = simulate(Array(repeating: .playback, count: 20), everyNanos: 250 * Self.ms, throttle: &throttle)
        #expect(sent == (0..<20).map { UInt64($0) * 250 * Self.ms })
    }

    @Test("answers to control messages and the session's end always go out at once")
    func controlAndEndAlwaysSend() {
        var throttle = ReplayStateThrottle()
        #expect(throttle.decide(.playback, nowNanos: 0) == .send)
        #expect(throttle.decide(.playback, nowNanos: 50 * Self.ms) == .flushAfter(nanos: 150 * Self.ms))
        #expect(throttle.decide(.playback, nowNanos: 60 * Self.ms) == .held)
        #expect(throttle.pending)
        // A seek answer goes out now and makes the scheduled flush unnecessary.
        #expect(throttle.decide(.control, nowNanos: 70 * Self.ms) == .send)
        #expect(!throttle.pending)
        let late = throttle.flush(nowNanos: 200 * Self.ms)
        #expect(!late)
        #expect(throttle.decide(.control, nowNanos: 71 * Self.ms) == .send)
        #expect(throttle.decide(.playback, nowNanos: 80 * Self.ms) == .flushAfter(nanos: 191 * Self.ms))
        #expect(throttle.decide(.ended, nowNanos: 81 * Self.ms) == .send)
        let afterEnd = throttle.flush(nowNanos: 271 * Self.ms)
        #expect(!afterEnd)
    }

    @Test("a mixed run: every control and end is sent at its own time; playback never twice within the interval")
    func mixed() {
        var throttle = ReplayStateThrottle(intervalNanos: 100 * Self.ms)
        var causes = Array(repeating: ReplayStateThrottle.Cause.playback, count: 300)
        let controls = [17, 18, 90, 150, 151, 152]
        for i in controls { causes[i] = .control }
        causes[299] = .ended
        let sent = simulate(causes, everyNanos: 5 * Self.ms, throttle: &throttle)
        for i in controls + [299] { #expect(sent.contains(UInt64(i) * 5 * Self.ms), "cause \(i) not sent") }
        let playback = Set(sent).subtracting((controls + [299]).map { UInt64($0) * 5 * Self.ms })
        let all = sent.sorted()
        // After any state, a playback state waits the whole interval.
        for time in playback {
            let before = all.last { $0 < time }
            #expect(before.map { time - $0 >= 100 * Self.ms } ?? true, "playback state at \(time) after one at \(before ?? 0)")
        }
        #expect(all.last == 299 * 5 * Self.ms)
    }

    @Test("the controller decides through its throttle")
    func controller() throws {
        let span = SessionSpan(startMicros: 1_000_000, endMicros: 11_000_000, firstVersion: 1, lastVersion: 100)
        var controller = ReplayController(span: span, eventTimesMicros: [], throttle: ReplayStateThrottle(intervalNanos: 200 * Self.ms))
        _ = try controller.handle(.play(speed: 8), nowNanos: 0)
        #expect(controller.stateDecision(after: .control, nowNanos: 0) == .send)
        #expect(controller.stateDecision(after: .playback, nowNanos: 10 * Self.ms) == .flushAfter(nanos: 190 * Self.ms))
        #expect(controller.stateDecision(after: .playback, nowNanos: 20 * Self.ms) == .held)
        let flushed = controller.flushState(nowNanos: 200 * Self.ms)
        #expect(flushed)
        _ = try controller.handle(.step(forward: true), nowNanos: 210 * Self.ms)
        #expect(controller.stateDecision(after: .control, nowNanos: 210 * Self.ms) == .send)
    }
}
