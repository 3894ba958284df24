/// The decisions of `EmbeddedPostgres.Supervisor`, without I/O: it is told what each
/// check and start found, on a monotonic clock (nanoseconds), and answers what to do.
///
/// A server that stops answering on its socket for `missedChecksToRestart` checks in a row
/// is started again at once; a start that fails, or a server that stops again before it
/// has run `healthyPeriod`, waits `firstDelay`, doubling up to `maxDelay`.
extension EmbeddedPostgres {
    package struct Supervision: Sendable, Equatable {
        package static let firstDelay: UInt64 = 500_000_000
        package static let maxDelay: UInt64 = 30_000_000_000
        package static let healthyPeriod: UInt64 = 30_000_000_000
        package static let missedChecksToRestart = 2

        package enum State: String, Sendable {
            /// The server answers on its socket.
            case running
            /// It stopped; it is being started again, or waits to be (`retryAt`).
            case restarting
        }

        package enum Action: Sendable, Equatable {
            case none
            /// Start the server now (attempt `attempt` since it last ran healthy).
            case start(attempt: Int)
        }

        package private(set) var state = State.running
        /// Times the server was started again and came up.
        package private(set) var restarts = 0
        /// Start attempts since the server last ran for `healthyPeriod`.
        package private(set) var attemptsInRow = 0
        /// Why the server is, or was last, restarting: what the check or start found.
        package private(set) var lastError: String?
        /// When the next start is due, while restarting and waiting.
        package private(set) var retryAt: UInt64?
        private var missedChecks = 0
        private var runningSince: UInt64?

        package init(now: UInt64) {
            runningSince = now
        }

        /// A check found the server answering (`running`) or not, at `now`.
        package mutating func checked(running: Bool, at now: UInt64) -> Action {
            switch state {
            case .running:
                if running {
                    missedChecks = 0
                    if let since = runningSince, now &- since >= Self.healthyPeriod { attemptsInRow = 0 }
                    return .none
                }
                missedChecks += 1
                guard missedChecks >= Self.missedChecksToRestart else { return .none }
                state = .restarting
                lastError = "the server stopped answering on its socket"
                retryAt = now &+ delay(beforeAttempt: attemptsInRow + 1)
                return checked(running: false, at: now)
            case .restarting:
                if running {
                    // Someone else (a `scenecast db start`, a `serve` next door) started it.
                    up(at: now)
                    return .none
                }
                guard let retryAt, now >= retryAt else { return .none }
                self.retryAt = nil
                attemptsInRow += 1
                return .start(attempt: attemptsInRow)
            }
        }

        /// The start that `checked` asked for brought the server up.
        package mutating func started(at now: UInt64) {
            restarts += 1
            up(at: now)
        }

        /// The start failed with `error`: returns how long until the next one.
        package mutating func startFailed(_ error: String, at now: UInt64) -> UInt64 {
            lastError = error
            let wait = delay(beforeAttempt: attemptsInRow + 1)
            retryAt = now &+ wait
            return wait
        }

        private mutating func up(at now: UInt64) {
            state = .running
            missedChecks = 0
            retryAt = nil
            runningSince = now
        }

        /// The wait before the `attempt`th start since the server last ran healthy: none
        /// for the first, then 0.5 s, 1 s, 2 s … up to 30 s.
        package func delay(beforeAttempt attempt: Int) -> UInt64 {
            guard attempt > 1 else { return 0 }
            return min(Self.firstDelay << UInt64(min(attempt - 2, 16)), Self.maxDelay)
        }
    }
}
