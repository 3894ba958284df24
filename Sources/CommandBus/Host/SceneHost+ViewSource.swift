package import SceneLedger

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
