/// When a view whose GL context or render failed is rebuilt: after `firstDelay`, doubling
/// with each failure in a row up to `maxDelay`, and from `firstDelay` again once a rebuilt
/// view has rendered for `healthyPeriod` without failing.
///
/// Pure: it is told what happened, on the view's clock (nanoseconds), and answers when to
/// try again. The render loop (`StreamView`) does the waiting and rebuilding.
struct ViewRebuildPolicy: Sendable, Equatable {
    static let firstDelay: UInt64 = 500_000_000
    static let maxDelay: UInt64 = 30_000_000_000
    static let healthyPeriod: UInt64 = 30_000_000_000

    /// What the loop does next after a failure.
    struct Retry: Sendable, Equatable {
        /// The failure's number in the current row (1 for the first after a healthy period).
        var attempt: Int
        /// How long to wait before rebuilding.
        var delay: UInt64
        /// When to rebuild, on the view's clock.
        var at: UInt64
    }

    /// Failures since the view was last healthy for `healthyPeriod`.
    private(set) var failuresInRow = 0
    /// Failures in all, and rebuilds started, over the view's life.
    private(set) var failures = 0
    private(set) var rebuilds = 0
    /// When the current GL context started, if it runs.
    private(set) var runningSince: UInt64?

    /// The view's GL context or render failed at `now`: when to rebuild it.
    mutating func failed(at now: UInt64) -> Retry {
        runningSince = nil
        failuresInRow += 1
        failures += 1
        let shift = min(failuresInRow - 1, 16)
        let delay = min(Self.firstDelay << UInt64(shift), Self.maxDelay)
        return Retry(attempt: failuresInRow, delay: delay, at: now &+ delay)
    }

    /// A GL context started at `now` (the first, or a rebuild after a failure).
    mutating func started(at now: UInt64) {
        if failures > 0 { rebuilds += 1 }
        runningSince = now
    }

    /// A frame was rendered at `now`. Returns true when this ends a row of failures: the
    /// view has run `healthyPeriod` since its last rebuild, so the next failure waits
    /// `firstDelay` again.
    mutating func rendered(at now: UInt64) -> Bool {
        guard failuresInRow > 0, let since = runningSince, now &- since >= Self.healthyPeriod else { return false }
        failuresInRow = 0
        return true
    }
}
