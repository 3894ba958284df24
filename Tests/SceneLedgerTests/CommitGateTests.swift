import Foundation
import SceneLedger
import Testing

/// A view draws ahead of the ledger but sends only frames of committed events.
@Suite("Commit gate of a view drawing ahead")
struct CommitGateTests {
    func batch(_ first: Int64, _ count: Int = 1, at: Int64 = 1_000) -> CommitGate.Batch {
        CommitGate.Batch(firstVersion: first, count: count, recordedAtMicros: at)
    }

    @Test("accepted events are folded in at once; their frame is held until the commit")
    func holdUntilCommit() {
        var gate = CommitGate()
        gate.reset(to: 40)
        #expect(gate.mayRelease(frameVersion: 40))
        let r1 = gate.accept(batch(41, 2), projectionVersion: 40)
        #expect(r1, "fold them in now")
        #expect(!gate.mayRelease(frameVersion: 42), "a frame showing 41–42 waits")
        let r2 = gate.accept(batch(43), projectionVersion: 42)
        #expect(r2)
        let r3 = gate.commit(batch(41, 2), projectionVersion: 43)
        #expect(!r3, "already folded: nothing to apply")
        #expect(gate.mayRelease(frameVersion: 42))
        #expect(!gate.mayRelease(frameVersion: 43))
        let r4 = gate.commit(batch(43), projectionVersion: 43)
        #expect(!r4)
        #expect(gate.mayRelease(frameVersion: 43))
        #expect(gate.ahead.isEmpty)
    }

    @Test("events that do not continue the projection wait for their commit, which is then applied")
    func notContinuing() {
        var gate = CommitGate()
        gate.reset(to: 10)
        let r5 = gate.accept(batch(12), projectionVersion: 10)
        #expect(!r5, "a gap: not drawn ahead")
        #expect(gate.ahead.isEmpty)
        let r6 = gate.commit(batch(11), projectionVersion: 10)
        #expect(r6, "a commit not drawn ahead is applied")
        #expect(gate.mayRelease(frameVersion: 11))
        let r7 = gate.commit(batch(9), projectionVersion: 11)
        #expect(!r7, "already in the state")
        #expect(gate.committed == 11)
    }

    @Test("a commit that differs from what was drawn ahead holds every frame until the whole state")
    func divergence() {
        var gate = CommitGate()
        gate.reset(to: 5)
        let r8 = gate.accept(batch(6, at: 100), projectionVersion: 5)
        #expect(r8)
        let r9 = gate.commit(batch(6, at: 101), projectionVersion: 6)
        #expect(!r9, "another time: not the events drawn")
        #expect(gate.diverged)
        #expect(!gate.mayRelease(frameVersion: 5) && !gate.mayRelease(frameVersion: 6))
        let r10 = gate.accept(batch(7), projectionVersion: 6)
        #expect(!r10, "nothing more is drawn ahead")
        let r11 = gate.commit(batch(7), projectionVersion: 6)
        #expect(!r11)
        gate.reset(to: 7)
        #expect(!gate.diverged && gate.mayRelease(frameVersion: 7))
    }

    @Test("a failed commit: the whole state replaces what was drawn ahead")
    func failedCommit() {
        var gate = CommitGate()
        gate.reset(to: 20)
        let r12 = gate.accept(batch(21), projectionVersion: 20)
        #expect(r12)
        #expect(!gate.mayRelease(frameVersion: 21))
        // The host rebuilds from the ledger (which holds a foreign event as 21) and sends it.
        gate.reset(to: 21)
        #expect(gate.ahead.isEmpty && gate.mayRelease(frameVersion: 21))
    }
}

/// Items drawn ahead of the ledger wait for their own commit, bounded.
@Suite("Held until commit")
struct HeldUntilCommitTests {
    func batch(_ first: Int64, _ count: Int = 1) -> CommitGate.Batch {
        CommitGate.Batch(firstVersion: first, count: count, recordedAtMicros: 1_000)
    }

    @Test("an item drawn ahead is held, then released by its commit; a whole state drops what was held")
    func holdAndRelease() {
        var hold = HeldUntilCommit<String>(capacity: 2)
        hold.reset(to: 10)
        let committed = hold.drawn("v10", version: 10)
        #expect(committed == "v10", "committed already: shown at once")
        let folded = hold.accept(batch(11), projectionVersion: 10)
        let ahead = hold.drawn("v11", version: 11)
        #expect(folded && ahead == nil && hold.isHolding)
        let early = hold.releaseNewest()
        #expect(early == nil, "not committed yet")
        let refold = hold.commit(batch(11), projectionVersion: 11)
        #expect(!refold, "already folded in")
        let released = hold.releaseNewest()
        #expect(released == "v11" && !hold.isHolding)
        _ = hold.accept(batch(12), projectionVersion: 11)
        _ = hold.drawn("v12", version: 12)
        hold.reset(to: 12)
        let dropped = hold.releaseNewest()
        #expect(!hold.isHolding && dropped == nil, "a whole state: nothing drawn ahead is shown")
    }

    @Test("input faster than commits: at most capacity held, the newest committed one supersedes older ones")
    func bounded() {
        var hold = HeldUntilCommit<Int>(capacity: 3)
        hold.reset(to: 0)
        for v in 1...6 {
            let folded = hold.accept(batch(Int64(v)), projectionVersion: Int64(v - 1))
            let shown = hold.drawn(v, version: Int64(v))
            #expect(folded && shown == nil)
        }
        #expect(hold.held.map(\.item) == [4, 5, 6], "the oldest are dropped")
        for v in 1...5 { _ = hold.commit(batch(Int64(v)), projectionVersion: 6) }
        let released = hold.releaseNewest()
        #expect(released == 5, "the newest committed goes; 4 is superseded")
        #expect(hold.held.map(\.item) == [6])
    }
}
