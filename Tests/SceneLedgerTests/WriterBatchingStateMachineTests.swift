import Testing
@testable import SceneLedger

@Suite("Writer batching, without I/O")
struct WriterBatchingStateMachineTests {
    typealias Machine = WriterBatchingStateMachine<Int>

    func batch(_ step: Machine.Step) -> [Int]? {
        if case .write(let items) = step { return items }
        return nil
    }

    @Test("an idle writer parks, and the first append wakes it")
    func parkAndWake() {
        var m = Machine(configuration: .init(maxBatchEvents: 10, lingerNanos: 0))
        guard case .park = m.nextStep(nowNanos: 0) else { Issue.record("expected park"); return }
        #expect(m.enqueue(1, events: 1, nowNanos: 1) == .wakeWriter)
        #expect(m.enqueue(2, events: 1, nowNanos: 2) == .none)
        #expect(batch(m.nextStep(nowNanos: 3)) == [1, 2])
    }

    @Test("appends that arrive during a write form the next batch (group commit)")
    func groupCommit() {
        var m = Machine(configuration: .init(maxBatchEvents: 100, lingerNanos: 0))
        _ = m.nextStep(nowNanos: 0)
        _ = m.enqueue(1, events: 1, nowNanos: 1)
        #expect(batch(m.nextStep(nowNanos: 1)) == [1])
        for i in 2...5 { #expect(m.enqueue(i, events: 1, nowNanos: 2) == .none) }
        m.writeCompleted()
        #expect(batch(m.nextStep(nowNanos: 3)) == [2, 3, 4, 5])
    }

    @Test("a linger waits for more appends unless the batch is full")
    func linger() {
        var m = Machine(configuration: .init(maxBatchEvents: 5, lingerNanos: 1_000))
        _ = m.enqueue(1, events: 2, nowNanos: 100)
        guard case .sleep(let until) = m.nextStep(nowNanos: 150) else { Issue.record("expected sleep"); return }
        #expect(until == 1_100)
        _ = m.enqueue(2, events: 3, nowNanos: 200)
        // Five events pending reach the limit: write now, before the linger ends.
        #expect(batch(m.nextStep(nowNanos: 201)) == [1, 2])
        m.writeCompleted()
        _ = m.enqueue(3, events: 1, nowNanos: 300)
        #expect(batch(m.nextStep(nowNanos: 1_300)) == [3])
    }

    @Test("batches never exceed the limit, except one append larger than it")
    func limits() {
        var m = Machine(configuration: .init(maxBatchEvents: 4, lingerNanos: 0))
        for (i, n) in [3, 2, 9, 1].enumerated() { _ = m.enqueue(i, events: n, nowNanos: 0) }
        #expect(batch(m.nextStep(nowNanos: 0)) == [0])
        m.writeCompleted()
        #expect(batch(m.nextStep(nowNanos: 0)) == [1])
        m.writeCompleted()
        #expect(batch(m.nextStep(nowNanos: 0)) == [2])
        m.writeCompleted()
        #expect(batch(m.nextStep(nowNanos: 0)) == [3])
        m.writeCompleted()
        #expect(m.pendingCount == 0)
    }

    @Test("shutdown flushes what is pending, then finishes and refuses new appends")
    func shutdown() {
        var m = Machine(configuration: .init(maxBatchEvents: 10, lingerNanos: 1_000_000))
        _ = m.enqueue(1, events: 1, nowNanos: 0)
        #expect(m.shutdown() == .none)
        // The linger is cut short: shutting down writes at once.
        #expect(batch(m.nextStep(nowNanos: 1)) == [1])
        #expect(m.enqueue(2, events: 1, nowNanos: 2) == .rejectShutdown)
        m.writeCompleted()
        guard case .finished = m.nextStep(nowNanos: 3) else { Issue.record("expected finished"); return }
    }

    @Test("shutting down a parked writer wakes it so it can finish")
    func shutdownWhileParked() {
        var m = Machine(configuration: .init())
        guard case .park = m.nextStep(nowNanos: 0) else { Issue.record("expected park"); return }
        #expect(m.shutdown() == .wakeWriter)
        guard case .finished = m.nextStep(nowNanos: 1) else { Issue.record("expected finished"); return }
    }

    @Test("the next batch is taken while one commits; with nothing to take, the loop finishes the one in flight")
    func pipeline() {
        var m = Machine(configuration: .init(maxBatchEvents: 2, lingerNanos: 0, pipelineMinEvents: 1))
        for i in 1...3 { _ = m.enqueue(i, events: 1, nowNanos: 0) }
        #expect(batch(m.nextStep(nowNanos: 0)) == [1, 2])
        // Batch [1, 2] is in flight; [3] is prepared beside it.
        #expect(batch(m.nextStep(nowNanos: 0)) == [3])
        m.writeCompleted()
        // Nothing pending and [3] in flight: finish it rather than park.
        guard case .finishWrite = m.nextStep(nowNanos: 1) else { Issue.record("expected finishWrite"); return }
        #expect(m.enqueue(4, events: 1, nowNanos: 2) == .none)
        m.writeCompleted()
        #expect(batch(m.nextStep(nowNanos: 3)) == [4])
        m.writeCompleted()
        guard case .park = m.nextStep(nowNanos: 4) else { Issue.record("expected park"); return }
    }

    @Test("a lingering batch waits for the one in flight instead of sleeping")
    func lingerBehindInFlight() {
        var m = Machine(configuration: .init(maxBatchEvents: 10, lingerNanos: 1_000, pipelineMinEvents: 1))
        _ = m.enqueue(1, events: 1, nowNanos: 0)
        #expect(batch(m.nextStep(nowNanos: 1_000)) == [1])
        _ = m.enqueue(2, events: 1, nowNanos: 1_001)
        guard case .finishWrite = m.nextStep(nowNanos: 1_002) else { Issue.record("expected finishWrite"); return }
        m.writeCompleted()
        guard case .sleep(let until) = m.nextStep(nowNanos: 1_003) else { Issue.record("expected sleep"); return }
        #expect(until == 2_001)
    }

    @Test("shutdown finishes the batch in flight before it reports finished")
    func shutdownWithBatchInFlight() {
        var m = Machine(configuration: .init())
        _ = m.enqueue(1, events: 1, nowNanos: 0)
        #expect(batch(m.nextStep(nowNanos: 0)) == [1])
        #expect(m.shutdown() == .none)
        guard case .finishWrite = m.nextStep(nowNanos: 1) else { Issue.record("expected finishWrite"); return }
        m.writeCompleted()
        guard case .finished = m.nextStep(nowNanos: 2) else { Issue.record("expected finished"); return }
    }

    @Test("below the pipeline backlog the next batch waits for the commit, then takes everything")
    func pipelineOnlyUnderBacklog() {
        var m = Machine(configuration: .init(maxBatchEvents: 100, lingerNanos: 0, pipelineMinEvents: 3))
        _ = m.enqueue(1, events: 1, nowNanos: 0)
        #expect(batch(m.nextStep(nowNanos: 0)) == [1])
        _ = m.enqueue(2, events: 1, nowNanos: 1)
        _ = m.enqueue(3, events: 1, nowNanos: 1)
        guard case .finishWrite = m.nextStep(nowNanos: 2) else { Issue.record("expected finishWrite"); return }
        _ = m.enqueue(4, events: 1, nowNanos: 3)
        // A backlog of three: take it beside the batch in flight.
        #expect(batch(m.nextStep(nowNanos: 3)) == [2, 3, 4])
    }
}
