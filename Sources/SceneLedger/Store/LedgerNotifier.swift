package import Logging
import ServiceLifecycle
import Synchronization

/// Wakes subscribers when events commit.
///
/// One connection LISTENs on `scenecast_events` (the append transaction NOTIFYs it, with
/// no payload: the notification only says "look again"). Every wake-up, and a heartbeat
/// once a second as a safety net, bumps a generation counter; subscribers remember the
/// generation before they read and wait for it to move on.
package final class LedgerNotifier: Service {
    private struct State {
        var generation: UInt64 = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var stopped = false
    }

    package static let channel = "scenecast_events"
    private let conninfo: String
    private let logger: Logger
    private let state = Mutex(State())
    private let heartbeatMillis: Int32

    package init(conninfo: String, heartbeatMillis: Int32 = 1000, logger: Logger) {
        self.conninfo = conninfo
        self.logger = logger
        self.heartbeatMillis = heartbeatMillis
    }

    package var generation: UInt64 { state.withLock { $0.generation } }

    /// Returns once the generation is past `seen` (a commit or a heartbeat happened).
    package func waitForChange(after seen: UInt64) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now: Bool = state.withLock { s in
                if s.generation > seen || s.stopped { return true }
                s.waiters.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    private func bump() {
        let waiters = state.withLock { s in
            s.generation &+= 1
            let w = s.waiters
            s.waiters = []
            return w
        }
        for w in waiters { w.resume() }
    }

    package func run() async throws {
        await withGracefulShutdownHandler {
            await self.listenLoop()
        } onGracefulShutdown: {
            self.state.withLock { $0.stopped = true }
        }
        state.withLock { $0.stopped = true }
        bump()
    }

    /// True once the notifier has stopped; subscriptions end rather than poll.
    package var isStopped: Bool { state.withLock { $0.stopped } }

    private func listenLoop() async {
        var backoffMillis: UInt64 = 100
        while !isStopped && !Task.isCancelled {
            do {
                let connection = try await PGConnection.connect(conninfo, name: "ledger-listen", logger: logger)
                try await connection.exec("LISTEN \(LedgerNotifier.channel)")
                backoffMillis = 100
                bump()  // anything committed while we were not listening is now visible
                while !isStopped && !Task.isCancelled {
                    // Short polls keep shutdown prompt; the heartbeat is every `heartbeatMillis`.
                    var waited: Int32 = 0
                    var notified = false
                    while waited < heartbeatMillis && !notified && !isStopped {
                        notified = !(try await connection.waitForNotifications(timeoutMillis: 100)).isEmpty
                        waited += 100
                    }
                    bump()
                }
                await connection.close()
            } catch {
                logger.warning("ledger listener failed; retrying", metadata: ["error": "\(error)"])
                bump()
                try? await Task.sleep(for: .milliseconds(backoffMillis))
                backoffMillis = min(backoffMillis * 2, 5_000)
            }
        }
    }
}
