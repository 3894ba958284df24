import Foundation
package import Logging
package import ServiceLifecycle
import Synchronization

extension EmbeddedPostgres {
    /// Keeps the embedded server running for a long-lived command (`scenecast serve`):
    /// checks it every `interval`, starts it again when it stopped (with the backoff of
    /// `Supervision`), and reports its state for `/health`. The ledger's connections
    /// reconnect on their own once it is back; the socket and conninfo stay the same.
    package final class Supervisor: Service, Sendable {
        /// What `/health` shows.
        package struct Report: Sendable, Equatable {
            package var state: Supervision.State
            package var restarts: Int
            package var lastError: String?
            /// Seconds until the next start, while one waits.
            package var retryInSeconds: Double?
        }

        package let server: EmbeddedPostgres
        private let interval: Duration
        private let machine: Mutex<Supervision>
        /// The handle `serve` opened with; it stops its server at the end when it owns it.
        private let ownedAtStart: Bool
        /// A restart this supervisor made started a server (not one someone else started).
        private let startedOne = Atomic<Bool>(false)
        private let logger: Logger

        package init(handle: Handle, interval: Duration = .seconds(1), logger: Logger) {
            self.server = handle.server
            self.ownedAtStart = handle.ownsServer
            self.interval = interval
            self.machine = Mutex(Supervision(now: Self.now()))
            self.logger = logger
        }

        package var report: Report {
            let now = Self.now()
            return machine.withLock { m in
                Report(
                    state: m.state, restarts: m.restarts, lastError: m.lastError,
                    retryInSeconds: m.retryAt.map { Double($0 > now ? $0 - now : 0) / 1e9 }
                )
            }
        }

        package func run() async throws {
            try? await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await Task.sleep(for: self.interval)
                    await self.check()
                }
            }
        }

        /// One check, and a start when the state machine asks for one.
        func check() async {
            let running = if case .running = server.status() { true } else { false }
            let action = machine.withLock { $0.checked(running: running, at: Self.now()) }
            guard case .start(let attempt) = action else { return }
            logger.warning(
                "the embedded PostgreSQL server stopped; starting it again",
                metadata: ["pgdata": "\(server.clusterDirectory)", "attempt": "\(attempt)"]
            )
            do {
                let handle = try await server.start()
                if handle.ownsServer { startedOne.store(true, ordering: .relaxed) }
                machine.withLock { $0.started(at: Self.now()) }
                logger.notice("the embedded PostgreSQL server runs again", metadata: ["socket": "\(handle.socketDirectory)"])
            } catch {
                let wait = machine.withLock { $0.startFailed(error.message, at: Self.now()) }
                logger.error(
                    "the embedded PostgreSQL server could not be started; retrying",
                    metadata: ["error": "\(error.message)", "attempt": "\(attempt)", "retryInSeconds": "\(Double(wait) / 1e9)"]
                )
            }
        }

        /// At the end of `serve`: stops a server this supervisor started when the handle
        /// `serve` opened with does not own it (an owning handle stops it itself).
        package func stopServerItStarted() async {
            guard !ownedAtStart, startedOne.load(ordering: .relaxed) else { return }
            try? await server.stopServer()
        }

        private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
    }
}
