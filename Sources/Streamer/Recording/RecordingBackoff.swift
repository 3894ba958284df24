/// When a failed always-on recording (`serve --record`) starts again. Pure: the caller
/// passes the monotonic time in.
///
/// The first failure waits `initialNanos` (1 s), each further failure in a row twice as
/// long (2 s, 4 s, 8 s, 16 s), at most `maxNanos` (30 s). A recording that closed a segment
/// or ran `stableNanos` (60 s) before failing was healthy: its failure counts as the first
/// again.
package struct RecordingBackoff: Sendable, Equatable {
    package static let second: UInt64 = 1_000_000_000

    package let initialNanos: UInt64
    package let maxNanos: UInt64
    package let stableNanos: UInt64
    /// Failures since the recording last was healthy.
    package private(set) var failuresInRow = 0
    /// Restarts that succeeded, over the view's life.
    package private(set) var restarts = 0
    private var startedAtNanos: UInt64?

    package init(initialNanos: UInt64 = second, maxNanos: UInt64 = 30 * second, stableNanos: UInt64 = 60 * second) {
        self.initialNanos = initialNanos
        self.maxNanos = max(initialNanos, maxNanos)
        self.stableNanos = stableNanos
    }

    /// The wait before restart number `failures` (1 for the first failure in a row).
    package func delay(afterFailures failures: Int) -> UInt64 {
        guard failures > 1 else { return initialNanos }
        var delay = initialNanos
        for _ in 1..<failures {
            guard delay < maxNanos else { break }
            delay = delay > maxNanos / 2 ? maxNanos : delay * 2
        }
        return min(delay, maxNanos)
    }

    /// The recording started (its first start, or a restart: `restart`).
    package mutating func started(atNanos now: UInt64, restart: Bool) {
        startedAtNanos = now
        if restart { restarts += 1 }
    }

    /// A segment was written completely: the disk works again.
    package mutating func segmentClosed() { failuresInRow = 0 }

    /// The recording failed (a write error, or it could not start): how long to wait before
    /// starting it again.
    package mutating func failed(atNanos now: UInt64) -> UInt64 {
        if let started = startedAtNanos, now &- started >= stableNanos { failuresInRow = 0 }
        startedAtNanos = nil
        failuresInRow += 1
        return delay(afterFailures: failuresInRow)
    }
}
