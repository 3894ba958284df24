/// When the ledger writer cuts a batch.
package struct WriterBatchingConfiguration: Sendable {
    package var maxBatchEvents: Int
    package var lingerNanos: UInt64
    /// The backlog (in events) at which the next batch is taken while one is in flight.
    /// Below it the writer waits for the commit and then takes everything pending, which
    /// under light load keeps each append one commit away from its ack.
    package var pipelineMinEvents: Int

    package init(maxBatchEvents: Int = 4096, lingerNanos: UInt64 = 0, pipelineMinEvents: Int = 256) {
        precondition(maxBatchEvents > 0 && pipelineMinEvents > 0)
        self.maxBatchEvents = maxBatchEvents
        self.lingerNanos = lingerNanos
        self.pipelineMinEvents = min(pipelineMinEvents, maxBatchEvents)
    }
}

/// The ledger writer's batching logic, free of I/O.
///
/// Appends queue up while a batch is being written; the I/O loop asks `nextStep` what to
/// do and reports back with `writeCompleted`. A batch is written when either
/// - `maxBatchEvents` events are pending, or
/// - the oldest pending append has waited `lingerNanos` (0: write at once), or
/// - the writer is shutting down (pending appends are flushed, never dropped).
///
/// Appends that arrive while a batch is in flight form the next batch, which is how group
/// commit keeps latency low under load: one durable commit covers everything that queued
/// behind the previous one.
///
/// Under a backlog (`pipelineMinEvents`) the writer is a two-stage pipeline: while batch N
/// commits, the loop takes batch N+1 and prepares it (hash and encode its rows), so the
/// database never waits for the hashing and the hashing never waits for the commit. At most two batches are out at once, and
/// the loop finishes N before it starts committing N+1.
package struct WriterBatchingStateMachine<Item> {
    package typealias Configuration = WriterBatchingConfiguration

    package enum EnqueueAction: Equatable {
        /// The writer loop is parked: wake it.
        case wakeWriter
        /// The loop will see the item on its own.
        case none
        /// The writer has finished; fail the item.
        case rejectShutdown
    }

    package enum Step {
        case write([Item])
        /// Nothing is due yet; look again at this monotonic time.
        case sleep(untilNanos: UInt64)
        /// Nothing to take yet, and a batch is in flight: finish it (and report
        /// `writeCompleted`) before asking again.
        case finishWrite
        /// Nothing pending: park until `enqueue` says `wakeWriter`.
        case park
        case finished
    }

    private struct Pending {
        var item: Item
        var events: Int
        var enqueuedAt: UInt64
    }

    package let configuration: Configuration
    private var pending: [Pending] = []
    private var head = 0
    private var pendingEvents = 0
    /// Batches taken and not yet reported written: 0, 1 or (briefly, while the loop
    /// prepares the next one) 2.
    private var inFlight = 0
    private var parked = false
    private var shuttingDown = false
    private var finished = false

    package init(configuration: Configuration) {
        self.configuration = configuration
    }

    package var pendingCount: Int { pending.count - head }

    package mutating func enqueue(_ item: Item, events: Int, nowNanos: UInt64) -> EnqueueAction {
        if finished || shuttingDown { return .rejectShutdown }
        pending.append(Pending(item: item, events: events, enqueuedAt: nowNanos))
        pendingEvents += events
        if parked {
            parked = false
            return .wakeWriter
        }
        return .none
    }

    package mutating func nextStep(nowNanos: UInt64) -> Step {
        precondition(inFlight < 2, "nextStep with two batches in flight")
        if pendingCount == 0 {
            if inFlight > 0 { return .finishWrite }
            if shuttingDown {
                finished = true
                return .finished
            }
            parked = true
            return .park
        }
        if inFlight > 0 && !shuttingDown && pendingEvents < configuration.pipelineMinEvents { return .finishWrite }
        let oldest = pending[head].enqueuedAt
        let due = oldest &+ configuration.lingerNanos
        if shuttingDown || pendingEvents >= configuration.maxBatchEvents || nowNanos >= due {
            return .write(takeBatch())
        }
        return inFlight > 0 ? .finishWrite : .sleep(untilNanos: due)
    }

    private mutating func takeBatch() -> [Item] {
        var batch: [Item] = []
        var events = 0
        while head < pending.count {
            let next = pending[head]
            // Always take at least one append, even one larger than the limit.
            if !batch.isEmpty && events + next.events > configuration.maxBatchEvents { break }
            batch.append(next.item)
            events += next.events
            head += 1
        }
        pendingEvents -= events
        if head == pending.count {
            pending.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 {
            pending.removeFirst(head)
            head = 0
        }
        inFlight += 1
        return batch
    }

    package mutating func writeCompleted() {
        precondition(inFlight > 0, "writeCompleted without a batch in flight")
        inFlight -= 1
    }

    /// Begins a graceful shutdown: what is pending is still written, then `.finished`.
    /// Returns `wakeWriter` if the loop is parked and must look again.
    package mutating func shutdown() -> EnqueueAction {
        shuttingDown = true
        if parked {
            parked = false
            return .wakeWriter
        }
        return .none
    }
}
