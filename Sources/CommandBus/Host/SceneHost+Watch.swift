package import Foundation
package import SceneLedger

/// A change to a host's live state, for consumers that keep their own projection of it
/// (the streamer's views). Events arrive as they are applied, before they are committed.
package enum LiveChange: Sendable {
    /// The whole state: first on every watch, and after a rebuild from the ledger.
    case state(SceneState)
    /// Events just applied, numbered from `firstVersion`, all at `recordedAtMicros`.
    case events([SceneEvent], firstVersion: Int64, recordedAtMicros: Int64)
}

extension SceneHost {
    /// The live state now, then every change to it, until the host stops or the stream is
    /// dropped. Never blocks the host: a slow consumer's changes queue up in the stream.
    package func watchLive() -> AsyncStream<LiveChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: LiveChange.self)
        guard !stopped else {
            continuation.finish()
            return stream
        }
        let id = UUID()
        continuation.yield(.state(live))
        watchers[id] = continuation
        continuation.onTermination = { _ in
            Task { await self.unwatch(id) }
        }
        return stream
    }

    private func unwatch(_ id: UUID) {
        watchers.removeValue(forKey: id)
    }

    func publish(_ change: LiveChange) {
        for watcher in watchers.values { watcher.yield(change) }
    }
}
