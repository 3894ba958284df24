package import Logging
import ServiceLifecycle
import Synchronization
import Foundation

/// The ledger's write path: group commit over one writer connection.
///
/// Callers `append` concurrently; the `run` loop (a `Service`) drains the queue in batches
/// decided by `WriterBatchingStateMachine`, writes each batch in one transaction on the
/// writer thread and resumes every caller only after the commit. On graceful shutdown,
/// queued appends are still written before `run` returns; appends after that fail with
/// `shutdown`.
package final class LedgerWriter: Service {
    struct Pending: Sendable {
        let request: AppendRequest
        let completion: @Sendable (Result<AppendResult, LedgerError>) -> Void
    }

    private let state: Mutex<WriterBatchingStateMachine<Pending>>
    private let wakeStream: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let batchWriter: LedgerBatchWriter
    private let logger: Logger
    private let counters = Mutex(Statistics())

    /// What the writer has done so far.
    package struct Statistics: Sendable, Equatable {
        package var batches = 0
        package var appends = 0
        package var events = 0
        package var failedAppends = 0
        /// Batches written again alone: their pipelined commit failed, or was skipped
        /// behind one that failed.
        package var rewrittenBatches = 0

        package var meanBatchEvents: Double { batches == 0 ? 0 : Double(events) / Double(batches) }
    }

    package var statistics: Statistics { counters.withLock { $0 } }

    package init(conninfo: String, configuration: WriterBatchingConfiguration = .init(), logger: Logger) {
        self.state = Mutex(WriterBatchingStateMachine(configuration: configuration))
        (self.wakeStream, self.wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.batchWriter = LedgerBatchWriter(conninfo: conninfo, logger: logger)
        self.logger = logger
    }

    /// Appends one command's events and returns once they are durably committed.
    package func append(_ request: AppendRequest) async throws(LedgerError) -> AppendResult {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<AppendResult, LedgerError>, Never>) in
            enqueue(request) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Queues an append without suspending, so a caller that enqueues A before B knows A is
    /// written first. `completion` runs on the writer loop after the commit (or failure),
    /// in queue order; it must not block.
    package func enqueue(_ request: AppendRequest, completion: @escaping @Sendable (Result<AppendResult, LedgerError>) -> Void) {
        let pending = Pending(request: request, completion: completion)
        let action = state.withLock {
            $0.enqueue(pending, events: request.events.count, nowNanos: WallClock.monotonicNanos())
        }
        switch action {
        case .wakeWriter: wake.yield()
        case .none: break
        case .rejectShutdown: completion(.failure(LedgerError(.shutdown, "The ledger writer is shut down")))
        }
    }

    package func run() async throws {
        logger.info("ledger writer started")
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            self.beginShutdown()
        }
        await batchWriter.close()
        logger.info("ledger writer stopped")
    }

    /// Stops accepting appends once those queued are written.
    package func beginShutdown() {
        if state.withLock({ $0.shutdown() }) == .wakeWriter { wake.yield() }
    }

    /// A batch submitted to the writer thread.
    private struct InFlight {
        var batch: [Pending]
        var requests: [AppendRequest]
        var plan: LedgerBatchPlan
        var outcome: Promise<LedgerBatchWriter.CommitOutcome>
    }

    /// The writer loop: a two-stage pipeline (see `WriterBatchingStateMachine`). It owns
    /// the chain heads, which run ahead of the database by the batches submitted; any
    /// failure forgets them, and they are loaded again before the next plan.
    private func loop() async {
        var wakeups = wakeStream.makeAsyncIterator()
        var heads: [UUID: LedgerBatchPlan.ChainHead] = [:]
        var inFlight: InFlight?
        while true {
            let step = state.withLock { $0.nextStep(nowNanos: WallClock.monotonicNanos()) }
            switch step {
            case .write(let batch):
                let requests = batch.map(\.request)
                var current: InFlight?
                // Prepare this batch while the previous one commits, when its heads are
                // known, and queue it right behind.
                if LedgerBatchPlan.missingHeads(requests, in: heads).isEmpty {
                    current = await submit(batch, requests, heads: &heads)
                }
                var finished: [(batch: [Pending], results: [Result<AppendResult, LedgerError>])] = []
                if let previous = inFlight.take() {
                    let (results, committed) = await finish(previous)
                    finished.append((previous.batch, results))
                    if !committed {
                        heads.removeAll()
                        if let skipped = current.take() {
                            // Queued behind a failure, it was skipped: written alone.
                            finished.append((skipped.batch, await finish(skipped).0))
                            for f in finished { complete(f.batch, f.results) }
                            continue
                        }
                    }
                }
                if current == nil {
                    // Nothing is in flight now, so the writer thread may be asked for heads.
                    do {
                        let missing = LedgerBatchPlan.missingHeads(requests, in: heads)
                        heads.merge(try await batchWriter.loadHeads(missing)) { $1 }
                        current = await submit(batch, requests, heads: &heads)
                    } catch {
                        heads.removeAll()
                        let results = await batchWriter.write(requests, after: error)
                        state.withLock { $0.writeCompleted() }
                        finished.append((batch, results))
                    }
                }
                inFlight = current
                // The previous batch's callers resume while this one commits.
                for f in finished { complete(f.batch, f.results) }
            case .finishWrite:
                guard let previous = inFlight.take() else { preconditionFailure("finishWrite with nothing in flight") }
                let (results, committed) = await finish(previous)
                if !committed { heads.removeAll() }
                complete(previous.batch, results)
            case .sleep(let until):
                let now = WallClock.monotonicNanos()
                if until > now { try? await Task.sleep(for: .nanoseconds(until - now)) }
            case .park:
                if Task.isCancelled {
                    beginShutdown()
                }
                _ = await wakeups.next()
                if Task.isCancelled { beginShutdown() }
            case .finished:
                return
            }
        }
    }

    /// Plans a batch on the heads as they will be after everything submitted, and queues it.
    private func submit(
        _ batch: [Pending], _ requests: [AppendRequest], heads: inout [UUID: LedgerBatchPlan.ChainHead]
    ) async -> InFlight {
        let plan = LedgerBatchPlan(requests, heads: heads, stored: [:], nowMicros: WallClock.nowMicros())
        heads.merge(plan.heads) { $1 }
        let outcome = Promise<LedgerBatchWriter.CommitOutcome>()
        await batchWriter.submit(plan, reply: outcome)
        return InFlight(batch: batch, requests: requests, plan: plan, outcome: outcome)
    }

    /// Waits for a batch's commit. If it failed, or was skipped behind a failure, writes it
    /// again alone (which resolves retried commands and isolates a fenced scene). Returns
    /// the results and whether the pipelined commit itself succeeded.
    private func finish(_ flight: InFlight) async -> ([Result<AppendResult, LedgerError>], Bool) {
        let results: [Result<AppendResult, LedgerError>]
        let committed: Bool
        switch await flight.outcome.value {
        case .committed(let base):
            results = flight.plan.results(base: base)
            committed = true
        case .failed(let error):
            results = await batchWriter.write(flight.requests, after: error)
            committed = false
        case .skipped:
            results = await batchWriter.write(flight.requests, after: nil)
            committed = false
        }
        if !committed { counters.withLock { $0.rewrittenBatches += 1 } }
        state.withLock { $0.writeCompleted() }
        return (results, committed)
    }

    /// Counts a written batch and resumes its callers, in queue order.
    private func complete(_ batch: [Pending], _ results: [Result<AppendResult, LedgerError>]) {
        counters.withLock { c in
            c.batches += 1
            c.appends += batch.count
            c.events += batch.reduce(0) { $0 + $1.request.events.count }
            c.failedAppends += results.reduce(0) { if case .failure = $1 { $0 + 1 } else { $0 } }
        }
        for (pending, result) in zip(batch, results) {
            pending.completion(result)
        }
    }
}
