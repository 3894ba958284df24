import Foundation
import Testing
@testable import CommandBus

@Suite("Presence coalescing")
struct PresenceCoalescerTests {
    static let a = Fixture.id(1)
    static let b = Fixture.id(2)
    static let ms: UInt64 = 1_000_000

    static func entry(_ p: UUID, _ text: String) -> PresenceCoalescer.Entry {
        PresenceCoalescer.Entry(participant: p, bytes: Array(text.utf8))
    }

    @Test("the first change after a quiet spell is due at once; the next batch only an interval after the last")
    func pacing() {
        var c = PresenceCoalescer(intervalNanos: 100 * Self.ms)
        #expect(c.record(Self.entry(Self.a, "a1"), nowNanos: 1_000 * Self.ms) == 1_000 * Self.ms)
        #expect(c.flush(nowNanos: 1_000 * Self.ms) == .send([Self.entry(Self.a, "a1")]))
        // 30 ms later: a timer is asked for 100 ms after the last batch.
        #expect(c.record(Self.entry(Self.a, "a2"), nowNanos: 1_030 * Self.ms) == 1_100 * Self.ms)
        // Already armed: no second timer.
        #expect(c.record(Self.entry(Self.b, "b1"), nowNanos: 1_050 * Self.ms) == nil)
        // A timer that fires early is told to wait.
        #expect(c.flush(nowNanos: 1_090 * Self.ms) == .wait(untilNanos: 1_100 * Self.ms))
        #expect(c.flush(nowNanos: 1_100 * Self.ms) == .send([Self.entry(Self.a, "a2"), Self.entry(Self.b, "b1")]))
        #expect(c.flush(nowNanos: 1_300 * Self.ms) == .nothing)
    }

    @Test("the latest value of a participant wins, in the order participants first changed")
    func latestWins() {
        var c = PresenceCoalescer()
        _ = c.record(Self.entry(Self.a, "a1"), nowNanos: 0)
        _ = c.record(Self.entry(Self.b, "b1"), nowNanos: 1)
        for i in 2...50 { _ = c.record(Self.entry(Self.a, "a\(i)"), nowNanos: UInt64(i)) }
        #expect(c.pendingCount == 2)
        #expect(c.flush(nowNanos: 100) == .send([Self.entry(Self.a, "a50"), Self.entry(Self.b, "b1")]))
    }

    @Test("100 changes a second from one participant leave at most 10 batches a second")
    func atMostTenPerSecond() {
        var c = PresenceCoalescer()
        var timer: UInt64?
        var batches = 0
        for step in 0..<100 {
            let t = UInt64(step) * 10 * Self.ms
            if let due = timer, due <= t {
                timer = nil
                switch c.flush(nowNanos: t) {
                case .send: batches += 1
                case .wait(let until): timer = until
                case .nothing: break
                }
            }
            if let due = c.record(Self.entry(Self.a, "a\(t)"), nowNanos: t) { timer = due }
        }
        #expect(batches >= 9 && batches <= 10)
    }

    @Test("a participant that left is forgotten; the others keep their order")
    func forget() {
        var c = PresenceCoalescer()
        let third = Fixture.id(3)
        _ = c.record(Self.entry(Self.a, "a"), nowNanos: 0)
        _ = c.record(Self.entry(Self.b, "b"), nowNanos: 0)
        _ = c.record(Self.entry(third, "c"), nowNanos: 0)
        c.forget(Self.a)
        _ = c.record(Self.entry(third, "c2"), nowNanos: 0)
        #expect(c.flush(nowNanos: 0) == .send([Self.entry(Self.b, "b"), Self.entry(third, "c2")]))
    }
}
