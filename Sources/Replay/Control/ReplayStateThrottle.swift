/// When a replay view sends `replay:state`. Pure: the driver passes the monotonic time in.
///
/// An answer to a control message (open, seek, step, play, pause, speed) and the end of the
/// session always go out at once. While playing, the states that events falling due cause
/// go out at most once per `intervalNanos` (5 a second by default): one that comes sooner
/// is held back, and the latest held-back state goes out when the interval is over
/// (`flush`), so the client always ends up with the newest version.
package struct ReplayStateThrottle: Sendable, Equatable {
    /// What caused a state.
    package enum Cause: Sendable, Equatable {
        /// The answer to a control message, or the first state of a replay.
        case control
        /// Playback applied events that fell due.
        case playback
        /// Playback reached the end of the session.
        case ended
    }

    package enum Decision: Sendable, Equatable {
        /// Send the state now.
        case send
        /// Hold it; call `flush` after this many nanoseconds (a flush is not yet scheduled).
        case flushAfter(nanos: UInt64)
        /// Hold it; a flush is already scheduled and will send the newest state.
        case held
    }

    /// 200 ms: at most 5 playback states a second.
    package static let defaultIntervalNanos: UInt64 = 200_000_000

    package let intervalNanos: UInt64
    private var lastSentNanos: UInt64?
    /// A playback state is held back and a flush is scheduled.
    package private(set) var pending = false

    package init(intervalNanos: UInt64 = Self.defaultIntervalNanos) {
        self.intervalNanos = intervalNanos
    }

    /// Decides for a state caused by `cause` at `nowNanos`.
    package mutating func decide(_ cause: Cause, nowNanos: UInt64) -> Decision {
        if cause == .playback, let last = lastSentNanos, nowNanos &- last < intervalNanos {
            defer { pending = true }
            return pending ? .held : .flushAfter(nanos: last + intervalNanos - nowNanos)
        }
        sent(at: nowNanos)
        return .send
    }

    /// The scheduled flush fired: true when the newest state should go out now (a state
    /// sent meanwhile, such as a control answer, makes it unnecessary).
    package mutating func flush(nowNanos: UInt64) -> Bool {
        guard pending else { return false }
        sent(at: nowNanos)
        return true
    }

    private mutating func sent(at nowNanos: UInt64) {
        lastSentNanos = nowNanos
        pending = false
    }
}
