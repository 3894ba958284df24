package import Foundation
package import SceneLedger

/// One watcher of a host's changes: what takes each change, and what ends the watch when
/// the host stops (nil: nothing to end).
struct Watcher {
    let deliver: @Sendable (CommittedChange) -> Void
    let finish: (@Sendable () -> Void)?
}

extension SceneHost {
    /// The committed state now, then every committed change to it, until the host stops or
    /// the stream is dropped; with `ahead`, each command's events also as they are accepted
    /// (`.accepted`), before their commit. Never blocks the host: a slow consumer's changes
    /// queue up in the stream.
    package func watchCommitted(ahead: Bool = false) -> AsyncStream<CommittedChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: CommittedChange.self)
        guard !stopped else {
            continuation.finish()
            return stream
        }
        let id = watch(ahead: ahead, Watcher(deliver: { continuation.yield($0) }, finish: { continuation.finish() }))
        continuation.onTermination = { _ in
            Task { await self.unwatch(id) }
        }
        return stream
    }

    /// The same changes as `watchCommitted(ahead:)`, handed to `deliver` on the host as it
    /// publishes them, with no task between: for a render loop whose frame waits for a
    /// commit. `deliver` must only queue the change and return. Nothing is delivered after
    /// `unwatch` with the returned id, or once the host stops.
    package func watchCommitted(ahead: Bool, deliver: @escaping @Sendable (CommittedChange) -> Void) -> UUID {
        guard !stopped else { return UUID() }
        return watch(ahead: ahead, Watcher(deliver: deliver, finish: nil))
    }

    private func watch(ahead: Bool, _ watcher: Watcher) -> UUID {
        let id = UUID()
        watcher.deliver(.state(committed.state))
        watchers[id] = watcher
        if ahead { watchersAhead.insert(id) }
        return id
    }

    package func unwatch(_ id: UUID) {
        watchers.removeValue(forKey: id)
        watchersAhead.remove(id)
    }

    func publish(_ change: CommittedChange) {
        if case .accepted = change {
            for id in watchersAhead { watchers[id]?.deliver(change) }
            return
        }
        for watcher in watchers.values { watcher.deliver(change) }
    }
}
