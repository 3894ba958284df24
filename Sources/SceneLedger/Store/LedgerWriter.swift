package import Logging
import ServiceLifecycle
import Synchronization

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

    private func loop() async {
        var wakeups = wakeStream.makeAsyncIterator()
        while true {
            let step = state.withLock { $0.nextStep(nowNanos: WallClock.monotonicNanos()) }
            switch step {
            case .write(let batch):
                let results = await batchWriter.write(batch.map(\.request))
                state.withLock { $0.writeCompleted() }
                counters.withLock { c in
                    c.batches += 1
                    c.appends += batch.count
                    c.events += batch.reduce(0) { $0 + $1.request.events.count }
                    c.failedAppends += results.reduce(0) { if case .failure = $1 { $0 + 1 } else { $0 } }
                }
                for (pending, result) in zip(batch, results) {
                    pending.completion(result)
                }
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
}
