/// When the ledger writer cuts a batch.
package struct WriterBatchingConfiguration: Sendable {
    package var maxBatchEvents: Int
    package var lingerNanos: UInt64

    package init(maxBatchEvents: Int = 4096, lingerNanos: UInt64 = 0) {
        precondition(maxBatchEvents > 0)
        self.maxBatchEvents = maxBatchEvents
        self.lingerNanos = lingerNanos
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
    private var writing = false
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
        precondition(!writing, "nextStep while a batch is in flight")
        if pendingCount == 0 {
            if shuttingDown {
                finished = true
                return .finished
            }
            parked = true
            return .park
        }
        let oldest = pending[head].enqueuedAt
        let due = oldest &+ configuration.lingerNanos
        if shuttingDown || pendingEvents >= configuration.maxBatchEvents || nowNanos >= due {
            return .write(takeBatch())
        }
        return .sleep(untilNanos: due)
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
        writing = true
        return batch
    }

    package mutating func writeCompleted() {
        precondition(writing, "writeCompleted without a batch in flight")
        writing = false
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
