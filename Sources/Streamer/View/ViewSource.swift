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
    /// The scene time for a frame drawn now of a state recorded at `stateMicros`.
    func frameSceneTimeMicros(stateMicros: Int64) -> Int64
}

extension SceneHost: ViewSource {
    /// Live views draw ahead of the ledger and send only what it committed (`CommitGate`).
    package func viewChanges() async -> AsyncStream<CommittedChange> { watchCommitted(ahead: true) }

    /// Live: the wall clock, so flows animate between events.
    package nonisolated func frameSceneTimeMicros(stateMicros: Int64) -> Int64 {
        max(stateMicros, WallClock.nowMicros())
    }
}
