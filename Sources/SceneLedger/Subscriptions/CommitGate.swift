/// Which of a view's frames may be sent, when the view draws ahead of the ledger. Pure.
///
/// A live view hears of a command's events twice: when the scene host accepts them
/// (`CommittedChange.accepted`) and when the ledger has committed them (`.events`). It
/// folds them in and draws at once, so rendering overlaps the commit, but a frame drawn
/// from events not yet committed is held until their commit arrives: what viewers see is
/// still only ever a projection of the ledger.
///
/// ```
/// accepted v41 ──fold, draw──▶ frame@41 held
/// events   v41 ──(already folded)──▶ committed = 41 ──▶ frame@41 sent
/// ```
///
/// A commit that is not the oldest batch drawn ahead (it never happens while the host's
/// versions and times match the ledger's) leaves the view diverged: nothing is sent until
/// the whole state arrives again (`.state`, which the host sends after any failed commit).
package struct CommitGate: Equatable, Sendable {
    /// Events folded in ahead of their commit.
    package struct Batch: Equatable, Sendable {
        package var firstVersion: Int64
        package var count: Int
        package var recordedAtMicros: Int64

        package init(firstVersion: Int64, count: Int, recordedAtMicros: Int64) {
            self.firstVersion = firstVersion
            self.count = count
            self.recordedAtMicros = recordedAtMicros
        }

        package var lastVersion: Int64 { firstVersion + Int64(count) - 1 }
    }

    /// The newest version the ledger has committed, as far as this view has heard.
    package private(set) var committed: Int64 = 0
    /// Batches folded in and not yet committed, oldest first.
    package private(set) var ahead: [Batch] = []
    /// A commit did not match what was drawn ahead: nothing is released until `.state`.
    package private(set) var diverged = false

    package init() {}

    /// The whole state at `version`: nothing is ahead any more.
    package mutating func reset(to version: Int64) {
        committed = version
        ahead = []
        diverged = false
    }

    /// Accepted events: true when the view should fold them in now (they continue the
    /// projection at `projectionVersion`); false to wait for their commit.
    package mutating func accept(_ batch: Batch, projectionVersion: Int64) -> Bool {
        guard !diverged, batch.count > 0, batch.firstVersion == projectionVersion + 1 else { return false }
        ahead.append(batch)
        return true
    }

    /// Committed events: true when the view must fold them in (they were not drawn ahead).
    package mutating func commit(_ batch: Batch, projectionVersion: Int64) -> Bool {
        if let oldest = ahead.first {
            if oldest == batch {
                ahead.removeFirst()
                committed = batch.lastVersion
            } else {
                diverged = true
            }
            return false
        }
        guard !diverged else { return false }
        // Already folded in (a state sent after the commit included it): nothing to apply.
        guard batch.lastVersion > projectionVersion else {
            committed = max(committed, batch.lastVersion)
            return false
        }
        committed = batch.lastVersion
        return true
    }

    /// Whether a frame drawn at `version` shows only committed events.
    package func mayRelease(frameVersion version: Int64) -> Bool {
        !diverged && version <= committed
    }
}
