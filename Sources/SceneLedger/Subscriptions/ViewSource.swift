/// Where a view's scene comes from: a stream of committed changes (the whole state first,
/// then events; a `.state` again whenever the source jumps) and the scene time each frame
/// is drawn at. The ledger's promise to every renderer lives here, beside the ledger: a live
/// scene host (CommandBus's `SceneHost`) is one source; a replay of a session (Replay's
/// `ReplayViewSource`) is another: it sends the state at a seek and the events as its
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
