/// Decides when a view's encoder may emit a forced keyframe: at most one per
/// `minimumInterval` across all its peers. A request that comes too soon is remembered
/// and granted once the interval has passed, so a joining viewer still gets its keyframe.
///
/// Pure: times are nanoseconds on one monotonic clock, passed in.
package struct KeyframeCoalescer: Sendable, Equatable {
    package let minimumInterval: UInt64
    package private(set) var lastForced: UInt64?
    /// A request arrived too soon and waits for `dueAt`.
    package private(set) var pending = false

    package init(minimumInterval: UInt64 = 1_000_000_000) {
        self.minimumInterval = minimumInterval
    }

    package enum Decision: Sendable, Equatable {
        /// Force a keyframe now.
        case force
        /// Folded into a keyframe already forced or pending.
        case coalesced
    }

    /// A keyframe is wanted (a new peer, a PLI or FIR, a slow peer that skipped ahead).
    package mutating func request(at now: UInt64) -> Decision {
        if let lastForced, now &- lastForced < minimumInterval {
            pending = true
            return .coalesced
        }
        lastForced = now
        pending = false
        return .force
    }

    /// When the pending request may be granted; nil when nothing waits.
    package var dueAt: UInt64? {
        guard pending, let lastForced else { return nil }
        return lastForced &+ minimumInterval
    }

    /// Called on the view's clock: true (and the request consumed) when a pending request
    /// is now due.
    package mutating func takeDue(at now: UInt64) -> Bool {
        guard let dueAt, now >= dueAt else { return false }
        lastForced = now
        pending = false
        return true
    }

    /// The encoder produced a keyframe on its own (the first frame, `key-int-max`): it
    /// counts as forced, and satisfies a pending request.
    package mutating func keyframeProduced(at now: UInt64) {
        lastForced = now
        pending = false
    }
}
