/// The ledger's promise to a projection that draws ahead of it: what it drew from events
/// not committed yet is held, and each item goes out once its own version is committed.
/// Pure; a live view keeps its frames here (`RenderLoopState`), but nothing in it is video.
///
/// The `CommitGate` tracks which batches were folded in ahead of their commit; this adds
/// the items drawn from them, oldest first, at most `capacity` (an older one is dropped
/// for a newer: input faster than commits never holds every item back, and never grows
/// without bound).
package struct HeldUntilCommit<Item: Sendable>: Sendable {
    package private(set) var gate = CommitGate()
    /// Items drawn from events not committed yet, oldest first, with the version each shows.
    package private(set) var held: [(item: Item, version: Int64)] = []
    package let capacity: Int

    package init(capacity: Int = 4) {
        precondition(capacity > 0, "hold at least one item")
        self.capacity = capacity
    }

    package var isHolding: Bool { !held.isEmpty }

    /// The whole state at `version`: nothing is ahead, and nothing held is shown.
    package mutating func reset(to version: Int64) {
        gate.reset(to: version)
        held = []
    }

    /// Accepted events: true when the projection should fold them in now.
    package mutating func accept(_ batch: CommitGate.Batch, projectionVersion: Int64) -> Bool {
        gate.accept(batch, projectionVersion: projectionVersion)
    }

    /// Committed events: true when the projection must fold them in (not drawn ahead).
    package mutating func commit(_ batch: CommitGate.Batch, projectionVersion: Int64) -> Bool {
        gate.commit(batch, projectionVersion: projectionVersion)
    }

    /// Whether an item drawn at `version` shows only committed events.
    package func mayRelease(version: Int64) -> Bool { gate.mayRelease(frameVersion: version) }

    /// An item just drawn at `version`: it, to show now (older held ones are superseded),
    /// or nil when it waits for its commit.
    package mutating func drawn(_ item: Item, version: Int64) -> Item? {
        guard gate.mayRelease(frameVersion: version) else {
            hold(item, version: version)
            return nil
        }
        held = []
        return item
    }

    /// Keeps `item`, drawn at `version`, until its commit.
    package mutating func hold(_ item: Item, version: Int64) {
        held.append((item, version))
        if held.count > capacity { held.removeFirst() }
    }

    /// The newest held item whose events the ledger has all committed (older ones are
    /// dropped: it supersedes them), or nil.
    package mutating func releaseNewest() -> Item? {
        guard let newest = held.lastIndex(where: { gate.mayRelease(frameVersion: $0.version) }) else { return nil }
        let item = held[newest].item
        held.removeFirst(newest + 1)
        return item
    }
}
