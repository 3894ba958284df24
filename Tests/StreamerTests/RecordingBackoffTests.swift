import Testing
@testable import Streamer

/// The pure restart policy of `serve --record`, with the time passed in.
@Suite("Recording restart backoff")
struct RecordingBackoffTests {
    static let s = RecordingBackoff.second

    @Test("waits double from 1 s after each failure in a row, capped at 30 s")
    func doubling() {
        var backoff = RecordingBackoff()
        var waits: [UInt64] = []
        var now: UInt64 = 0
        for _ in 0..<9 {
            backoff.started(atNanos: now, restart: !waits.isEmpty)
            now += Self.s / 2  // fails half a second after each start
            let wait = backoff.failed(atNanos: now)
            waits.append(wait)
            now += wait
        }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30, 30, 30].map { $0 * Self.s })
        #expect(backoff.failuresInRow == 9)
        #expect(backoff.restarts == 8)
    }

    @Test("a start that fails (never started) counts as a failure in a row too")
    func startFailures() {
        var backoff = RecordingBackoff()
        #expect(backoff.failed(atNanos: 0) == Self.s)
        #expect(backoff.failed(atNanos: Self.s) == 2 * Self.s)
        #expect(backoff.failed(atNanos: 3 * Self.s) == 4 * Self.s)
        #expect(backoff.restarts == 0)
    }

    @Test("a closed segment or a long healthy run starts the waits again at 1 s")
    func reset() {
        var backoff = RecordingBackoff()
        for i in 0..<4 { _ = backoff.failed(atNanos: UInt64(i) * Self.s) }
        backoff.started(atNanos: 100 * Self.s, restart: true)
        backoff.segmentClosed()
        #expect(backoff.failed(atNanos: 101 * Self.s) == Self.s)

        for i in 0..<3 { _ = backoff.failed(atNanos: UInt64(200 + i) * Self.s) }
        backoff.started(atNanos: 300 * Self.s, restart: true)
        // Ran 59 s: not yet healthy, so the wait keeps growing.
        #expect(backoff.failed(atNanos: 359 * Self.s) == 16 * Self.s)
        backoff.started(atNanos: 400 * Self.s, restart: true)
        // Ran 60 s: healthy.
        #expect(backoff.failed(atNanos: 460 * Self.s) == Self.s)
        #expect(backoff.restarts == 3)
    }

    @Test("delay(afterFailures:) for other policies: the cap holds and never overflows")
    func policies() {
        let quick = RecordingBackoff(initialNanos: 100_000_000, maxNanos: 250_000_000)
        #expect((1...5).map(quick.delay(afterFailures:)) == [100, 200, 250, 250, 250].map { UInt64($0) * 1_000_000 })
        let huge = RecordingBackoff(initialNanos: Self.s, maxNanos: .max)
        #expect(huge.delay(afterFailures: 200) <= .max)
        #expect(huge.delay(afterFailures: 3) == 4 * Self.s)
        // A cap below the first wait is raised to it.
        #expect(RecordingBackoff(initialNanos: 2 * Self.s, maxNanos: Self.s).delay(afterFailures: 4) == 2 * Self.s)
    }
}
