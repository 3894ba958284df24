package import CommandBus
import SceneLedger

/// Where a view's scene comes from: a stream of committed changes (the whole state first,
/// then events; a `.state` again whenever the source jumps) and the scene time each frame
/// is drawn at. A live scene host is one (`SceneHost`); a replay of a session, implemented
/// above the Streamer, is another: it sends the state at a seek and the events as its
/// cursor plays them, and its scene time is the playhead, never the wall clock.
package protocol ViewSource: Sendable {
    /// The changes to draw, starting with the whole state.
    func viewChanges() async -> AsyncStream<CommittedChange>
    /// The same changes, each handed to `deliver` (which only queues it); the returned
    /// function ends the watch.
    func watchViewChanges(_ deliver: @escaping @Sendable (CommittedChange) -> Void) async -> @Sendable () -> Void
    /// The scene time for a frame drawn now of a state recorded at `stateMicros`.
    func frameSceneTimeMicros(stateMicros: Int64) -> Int64
}

extension ViewSource {
    /// A task hands on what `viewChanges()` yields.
    package func watchViewChanges(_ deliver: @escaping @Sendable (CommittedChange) -> Void) async -> @Sendable () -> Void {
        let changes = await viewChanges()
        let task = Task {
            for await change in changes { deliver(change) }
        }
        return { task.cancel() }
    }
}

extension SceneHost: ViewSource {
    /// Live views draw ahead of the ledger and send only what it committed (`CommitGate`).
    package func viewChanges() async -> AsyncStream<CommittedChange> { watchCommitted(ahead: true) }

    /// Straight from the host as it publishes: a frame drawn ahead goes out as soon as its
    /// commit is delivered, without waiting for a task to pass it on.
    package func watchViewChanges(_ deliver: @escaping @Sendable (CommittedChange) -> Void) async -> @Sendable () -> Void {
        let id = watchCommitted(ahead: true, deliver: deliver)
        return { Task { await self.unwatch(id) } }
    }

    /// Live: the wall clock, so flows animate between events.
    package nonisolated func frameSceneTimeMicros(stateMicros: Int64) -> Int64 {
        max(stateMicros, WallClock.nowMicros())
    }
}
