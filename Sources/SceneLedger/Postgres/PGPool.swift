package import Logging
import Synchronization

/// A small pool of `PGConnection`s, each on its own thread.
///
/// Connections are opened lazily up to `maxConnections`; callers beyond that wait in
/// FIFO order. A connection found broken on release is discarded and its slot freed.
package final class PGPool: Sendable {
    private struct State {
        var idle: [PGConnection] = []
        var open = 0
        var waiters: [CheckedContinuation<PGConnection?, Never>] = []
        var closed = false
    }

    package let conninfo: String
    package let maxConnections: Int
    private let logger: Logger
    private let state = Mutex(State())

    package init(conninfo: String, maxConnections: Int = 4, logger: Logger) {
        precondition(maxConnections > 0)
        self.conninfo = conninfo
        self.maxConnections = maxConnections
        self.logger = logger
    }

    /// Runs `body` with a connection checked out of the pool.
    package func withConnection<T: Sendable>(
        _ body: (PGConnection) async throws(LedgerError) -> T
    ) async throws(LedgerError) -> T {
        let connection = try await acquire()
        do {
            let value = try await body(connection)
            await release(connection)
            return value
        } catch {
            await release(connection)
            throw error
        }
    }

    private enum Acquisition {
        case reuse(PGConnection)
        case open
        case wait
        case closed
    }

    private func acquire() async throws(LedgerError) -> PGConnection {
        let decision: Acquisition = state.withLock { s in
            if s.closed { return .closed }
            if let c = s.idle.popLast() { return .reuse(c) }
            if s.open < maxConnections {
                s.open += 1
                return .open
            }
            return .wait
        }
        switch decision {
        case .reuse(let c): return c
        case .closed: throw LedgerError(.shutdown, "The connection pool is closed")
        case .open: return try await openConnection()
        case .wait:
            let handed = await withCheckedContinuation { (c: CheckedContinuation<PGConnection?, Never>) in
                let resumeNow: Bool = state.withLock { s in
                    if s.closed { return true }
                    s.waiters.append(c)
                    return false
                }
                if resumeNow { c.resume(returning: nil) }
            }
            if let handed { return handed }
            // A slot was freed (or the pool closed): open a fresh connection.
            if state.withLock({ $0.closed }) { throw LedgerError(.shutdown, "The connection pool is closed") }
            return try await openConnection()
        }
    }

    private func openConnection() async throws(LedgerError) -> PGConnection {
        do {
            return try await PGConnection.connect(conninfo, name: "ledger-read", logger: logger)
        } catch {
            freeSlot()
            throw error
        }
    }

    private func freeSlot() {
        let waiter: CheckedContinuation<PGConnection?, Never>? = state.withLock { s in
            if !s.waiters.isEmpty {
                // The slot passes to the waiter, who opens a connection in it.
                return s.waiters.removeFirst()
            }
            s.open -= 1
            return nil
        }
        waiter?.resume(returning: nil)
    }

    private func release(_ connection: PGConnection) async {
        if await connection.inTransaction { try? await connection.exec("ROLLBACK") }
        guard await connection.isOpen else {
            await connection.close()
            freeSlot()
            return
        }
        let (waiter, closeIt): (CheckedContinuation<PGConnection?, Never>?, Bool) = state.withLock { s in
            if s.closed {
                s.open -= 1
                return (nil, true)
            }
            if !s.waiters.isEmpty { return (s.waiters.removeFirst(), false) }
            s.idle.append(connection)
            return (nil, false)
        }
        if closeIt { await connection.close() }
        waiter?.resume(returning: connection)
    }

    /// Closes idle connections; connections in use close when released.
    package func close() async {
        let (idle, waiters) = state.withLock { s in
            s.closed = true
            let idle = s.idle
            s.open -= idle.count
            s.idle = []
            let waiters = s.waiters
            s.waiters = []
            return (idle, waiters)
        }
        for c in idle { await c.close() }
        for w in waiters { w.resume(returning: nil) }
    }
}
