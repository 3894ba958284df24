/// A change to a scene's committed state, for consumers that keep their own projection of
/// it (the streamer's views, replays); a live scene host (CommandBus) publishes them.
/// Events arrive once the ledger has committed them, so what a view shows is always a
/// projection of the ledger, never of a command still in flight.
///
/// A watcher may ask to hear of events as soon as the host accepts them (`.accepted`), to
/// draw ahead while the ledger commits. It must show nothing drawn from them until the
/// same events arrive as `.events`: a commit that fails is followed by a rebuild (`.state`)
/// instead.
package enum CommittedChange: Sendable {
    /// The whole state: first on every watch, and after a rebuild from the ledger.
    case state(SceneState)
    /// Events just committed, numbered from `firstVersion`, all at `recordedAtMicros`.
    case events([SceneEvent], firstVersion: Int64, recordedAtMicros: Int64)
    /// Events accepted and on their way to the ledger, not committed yet; the ledger will
    /// record them with these versions and this time if it commits them.
    case accepted([SceneEvent], firstVersion: Int64, recordedAtMicros: Int64)
}
