import Foundation
import Testing
@testable import CommandBus
@testable import SceneLedger

@Suite("A connection's outbound queue")
struct OutboundQueueTests {
    static let a = Fixture.id(1)
    static let b = Fixture.id(2)
    static let me = Fixture.id(3)

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    static func entry(_ p: UUID, _ text: String) -> PresenceCoalescer.Entry {
        PresenceCoalescer.Entry(participant: p, bytes: bytes(text))
    }

    /// The texts of the writes among `actions`.
    static func writes(_ actions: [OutboundQueue.Action]) -> [String] {
        actions.compactMap { if case .write(let b) = $0 { String(decoding: b, as: UTF8.self) } else { nil } }
    }

    /// Writes everything queued, one write at a time, as the transport does.
    static func drain(_ q: inout OutboundQueue, first: [OutboundQueue.Action], now: UInt64 = 0) -> [String] {
        var out = writes(first)
        var next = q.written(nowNanos: now)
        while !writes(next).isEmpty {
            out += writes(next)
            next = q.written(nowNanos: now)
        }
        return out
    }

    @Test("one write at a time; acks and edits go before presence queued ahead of them")
    func urgentFirst() {
        var q = OutboundQueue()
        #expect(Self.writes(q.push(Self.bytes("update1"), kind: .update, nowNanos: 0)) == ["update1"])
        // While that write is in progress, presence and then an ack and an edit arrive.
        #expect(q.pushPresence([Self.entry(Self.a, #"{"id":"a"}"#)], excluding: Self.me, nowNanos: 1).isEmpty)
        #expect(q.push(Self.bytes("ack"), kind: .control, nowNanos: 2).isEmpty)
        #expect(q.push(Self.bytes("update2"), kind: .update, nowNanos: 3).isEmpty)
        let rest = Self.drain(&q, first: [])
        #expect(rest == ["ack", "update2", #"{"participants":[{"id":"a"}],"type":"presence"}"#])
        #expect(!q.isWriting)
    }

    @Test("queued presence keeps the latest value of each participant and never the recipient's own")
    func presenceCoalesces() throws {
        var q = OutboundQueue()
        let first = q.push(Self.bytes("full"), kind: .full, nowNanos: 0)
        for i in 1...5 {
            _ = q.pushPresence(
                [Self.entry(Self.a, #"{"id":"a","n":\#(i)}"#), Self.entry(Self.me, #"{"id":"me"}"#)], excluding: Self.me, nowNanos: 0)
        }
        _ = q.pushPresence([Self.entry(Self.b, #"{"id":"b"}"#)], excluding: Self.me, nowNanos: 0)
        let out = Self.drain(&q, first: first)
        #expect(out == ["full", #"{"participants":[{"id":"a","n":5},{"id":"b"}],"type":"presence"}"#])
        // The presence message is canonical JSON.
        let parsed = try JSONValue.parse(out[1])
        #expect(parsed.canonicalString == out[1])
    }

    @Test("a consumer over the bound loses its presence first, then its updates, and is asked for state:full")
    func fallsBehind() {
        var q = OutboundQueue(limits: .init(maxQueuedBytes: 100, stallNanos: 60_000_000_000))
        _ = q.push(Self.bytes("in-flight"), kind: .update, nowNanos: 0)
        _ = q.pushPresence([Self.entry(Self.a, String(repeating: "p", count: 60))], excluding: Self.me, nowNanos: 0)
        _ = q.push(Self.bytes(String(repeating: "u", count: 30)), kind: .update, nowNanos: 0)
        // 30 + 61 bytes: still under the bound.
        #expect(q.droppedPresence == 0)
        // Over the bound: the presence goes, and that is enough.
        let second = q.push(Self.bytes(String(repeating: "v", count: 30)), kind: .update, nowNanos: 0)
        #expect(q.droppedPresence == 1)
        #expect(!second.contains { if case .requestFull = $0 { true } else { false } })
        // Updates and an ack past the bound: the updates go, the ack stays, state:full is asked for once.
        _ = q.push(Self.bytes("ack"), kind: .control, nowNanos: 0)
        let over = q.push(Self.bytes(String(repeating: "w", count: 50)), kind: .update, nowNanos: 0)
        #expect(over.contains { if case .requestFull = $0 { true } else { false } })
        #expect(q.droppedUpdates == 3)
        // Updates arriving before the state:full are dropped too, and nothing asks again.
        let later = q.push(Self.bytes("late-update"), kind: .update, nowNanos: 0)
        #expect(!later.contains { if case .requestFull = $0 { true } else { false } })
        _ = q.push(Self.bytes("full"), kind: .full, nowNanos: 0)
        _ = q.push(Self.bytes("update-after-full"), kind: .update, nowNanos: 0)
        #expect(Self.drain(&q, first: []) == ["ack", "full", "update-after-full"])
    }

    @Test("a state:full supersedes the updates and presence queued before it, never acks")
    func fullSupersedes() {
        var q = OutboundQueue()
        let first = q.push(Self.bytes("ack0"), kind: .control, nowNanos: 0)
        _ = q.push(Self.bytes("update"), kind: .update, nowNanos: 0)
        _ = q.pushPresence([Self.entry(Self.a, #"{"id":"a"}"#)], excluding: nil, nowNanos: 0)
        _ = q.push(Self.bytes("ack1"), kind: .control, nowNanos: 0)
        _ = q.push(Self.bytes("full"), kind: .full, nowNanos: 0)
        #expect(Self.drain(&q, first: first) == ["ack0", "ack1", "full"])
    }

    @Test("a connection that falls behind and whose write does not finish within the stall time is closed; a slow one is not")
    func stalled() {
        let second: UInt64 = 1_000_000_000
        var q = OutboundQueue(limits: .init(maxQueuedBytes: 100, stallNanos: 10 * second))
        _ = q.push(Self.bytes("m"), kind: .control, nowNanos: 0)
        // Slow but reading: each write finishes within the stall time.
        for t in 1...30 {
            _ = q.push(Self.bytes("m\(t)"), kind: .update, nowNanos: UInt64(t) * second)
            _ = q.written(nowNanos: UInt64(t) * second + 5 * second / 10)
        }
        #expect(!q.closed)
        // A write outstanding for long with little queued (a join still being recorded)
        // closes nothing.
        #expect(q.push(Self.bytes("small"), kind: .control, nowNanos: 45 * second).isEmpty)
        #expect(!q.closed)
        // Stops reading: the queue goes over its bound and presence is dropped...
        _ = q.pushPresence([Self.entry(Self.a, String(repeating: "x", count: 120))], excluding: nil, nowNanos: 46 * second)
        #expect(q.droppedPresence == 1)
        // ...and the write started at 30.5 s has still not finished.
        let actions = q.push(Self.bytes("ack"), kind: .control, nowNanos: 47 * second)
        guard case .close(let error)? = actions.first else {
            Issue.record("expected a close, got \(actions)")
            return
        }
        #expect(error.code == .unavailable)
        #expect(q.closed)
        #expect(q.push(Self.bytes("more"), kind: .control, nowNanos: 48 * second).isEmpty)
    }
}
