package import Foundation
package import SceneLedger

/// A change to a host's committed state, for consumers that keep their own projection of
/// it (the streamer's views). Events arrive once the ledger has committed them, so what a
/// view draws is always a projection of the ledger, never of a command still in flight.
package enum CommittedChange: Sendable {
    /// The whole state: first on every watch, and after a rebuild from the ledger.
    case state(SceneState)
    /// Events just applied, numbered from `firstVersion`, all at `recordedAtMicros`.
    case events([SceneEvent], firstVersion: Int64, recordedAtMicros: Int64)
}

extension SceneHost {
    /// The committed state now, then every committed change to it, until the host stops or
    /// the stream is dropped. Never blocks the host: a slow consumer's changes queue up in
    /// the stream.
    package func watchCommitted() -> AsyncStream<CommittedChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: CommittedChange.self)
        guard !stopped else {
            continuation.finish()
            return stream
        }
        let id = UUID()
        continuation.yield(.state(committed.state))
        watchers[id] = continuation
        continuation.onTermination = { _ in
            Task { await self.unwatch(id) }
        }
        return stream
    }

    private func unwatch(_ id: UUID) {
        watchers.removeValue(forKey: id)
    }

    func publish(_ change: CommittedChange) {
        for watcher in watchers.values { watcher.yield(change) }
    }
}
