import Replay
import Testing

@Suite("Replay cursor state machine")
struct ReplayCursorTests {
    /// A session from scene time 1 s to 11 s, versions 1 to 100.
    let span = SessionSpan(startMicros: 1_000_000, endMicros: 11_000_000, firstVersion: 1, lastVersion: 100)

    func loaded(_ cursor: inout ReplayCursor, version: Int64, at micros: Int64, next: Int64?, now: UInt64 = 0) -> [ReplayCursor.Action] {
        cursor.loaded(version: version, sceneTimeMicros: micros, nextEventMicros: next, nowNanos: now)
    }

    @Test("seek loads a state from a snapshot, and the playhead stays at the time asked for")
    func seek() {
        var cursor = ReplayCursor(span: span)
        #expect(cursor.seek(to: .time(micros: 5_500_000), nowNanos: 0) == [.cancelTick, .loadState(.time(micros: 5_500_000))])
        #expect(loaded(&cursor, version: 40, at: 5_400_000, next: 5_600_000).isEmpty)
        #expect(cursor.version == 40)
        #expect(cursor.playheadMicros == 5_500_000)
        #expect(cursor.seek(to: .version(7), nowNanos: 0) == [.cancelTick, .loadState(.version(7))])
    }

    @Test("step forward applies one event; step back reloads one version earlier; both pause")
    func steps() {
        var cursor = ReplayCursor(span: span)
        _ = cursor.seek(to: .version(10), nowNanos: 0)
        _ = loaded(&cursor, version: 10, at: 2_000_000, next: 2_100_000)
        #expect(cursor.stepForward() == [.cancelTick, .applyThroughVersion(11)])
        _ = loaded(&cursor, version: 11, at: 2_100_000, next: 2_200_000)
        #expect(cursor.playheadMicros == 2_100_000)
        #expect(cursor.stepBack() == [.cancelTick, .loadState(.version(10))])
        _ = loaded(&cursor, version: 10, at: 2_000_000, next: 2_100_000)
        #expect(cursor.playheadMicros == 2_000_000)
        #expect(!cursor.isPlaying)
    }

    @Test("no step past either end of the session")
    func stepBounds() {
        var cursor = ReplayCursor(span: span)
        _ = loaded(&cursor, version: 1, at: 1_000_000, next: 1_100_000)
        #expect(cursor.stepBack() == [.cancelTick])
        _ = loaded(&cursor, version: 100, at: 10_000_000, next: nil)
        #expect(cursor.stepForward() == [.cancelTick, .ended])
    }

    @Test("play applies what is due at the playhead and schedules the next event at the speed's pace")
    func play() throws {
        var cursor = ReplayCursor(span: span)
        _ = cursor.seek(to: .time(micros: 2_000_000), nowNanos: 0)
        _ = loaded(&cursor, version: 10, at: 2_000_000, next: 2_500_000)
        #expect(cursor.play(nowNanos: 1_000) == [.applyThroughTime(micros: 2_000_000)])
        // The next event is 0.5 s of scene time away: 0.5 s of wall time at 1x.
        #expect(loaded(&cursor, version: 10, at: 2_000_000, next: 2_500_000, now: 1_000) == [.scheduleTick(afterNanos: 500_000_000)])
        // 0.5 s later the playhead has reached it.
        #expect(cursor.tick(nowNanos: 500_001_000) == [.applyThroughTime(micros: 2_500_000)])
        // At 4x the next event, 1 s of scene time away, is due in 0.25 s.
        _ = try cursor.setSpeed(4, nowNanos: 500_001_000)
        #expect(loaded(&cursor, version: 11, at: 2_500_000, next: 3_500_000, now: 500_001_000) == [.scheduleTick(afterNanos: 250_000_000)])
        #expect(cursor.tick(nowNanos: 750_001_000) == [.applyThroughTime(micros: 3_500_000)])
        #expect(cursor.pause(nowNanos: 750_001_000) == [.cancelTick])
        #expect(cursor.tick(nowNanos: 900_000_000).isEmpty)
    }

    @Test("speeds outside 0.25x to 8x are refused and change nothing", arguments: [0.1, 0, -1, 8.5, Double.nan])
    func speeds(speed: Double) {
        var cursor = ReplayCursor(span: span)
        let error = #expect(throws: ReplayError.self) { try cursor.setSpeed(speed, nowNanos: 0) }
        #expect(error?.code == .invalidArgument)
        #expect(cursor.speed == 1)
    }

    @Test("playback stops at the session's end")
    func end() {
        var cursor = ReplayCursor(span: span)
        _ = cursor.seek(to: .time(micros: 10_900_000), nowNanos: 0)
        _ = loaded(&cursor, version: 99, at: 10_800_000, next: nil)
        _ = cursor.play(nowNanos: 0)
        // No next event: the tick is scheduled for the session's end, 0.1 s away.
        #expect(loaded(&cursor, version: 99, at: 10_800_000, next: nil) == [.scheduleTick(afterNanos: 100_000_000)])
        #expect(cursor.tick(nowNanos: 200_000_000) == [.applyThroughTime(micros: 11_000_000), .ended])
        #expect(!cursor.isPlaying)
        #expect(cursor.play(nowNanos: 300_000_000) == [.ended])
    }
}
