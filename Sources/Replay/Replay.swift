/// Time travel, recording and audit (issue #5): a replay cursor over the ledger driving a
/// Renderer projection, clips, signed exports and erasure.
///
/// Not built yet; the ledger already provides what it stands on: state at a version or a
/// time (`LedgerStore.state(scene:atTimeMicros:)`) and chain verification.
package enum ReplayModule {
    package static let status = "planned: issue #5"
}
