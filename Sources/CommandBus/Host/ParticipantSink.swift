package import Foundation
import SceneLedger
import Synchronization

/// Where a scene host sends one participant's messages: the WebSocket (or, later, the
/// data channel) of one session. Sending never blocks the host.
package protocol ParticipantSink: Sendable {
    func send(_ message: ServerMessage)
    /// Other participants' presence (camera, pointer), coalesced by the host; the sink
    /// leaves out `excluding`, the recipient's own. It may coalesce further.
    func sendPresence(_ batch: [PresenceCoalescer.Entry], excluding: UUID)
    /// What to call when the consumer fell too far behind and needs a `state:full`
    /// instead of the updates it missed.
    func whenBehind(_ resync: @escaping @Sendable () -> Void)
    /// The host drops the participant (fenced scene, slow consumer); the transport closes.
    func close(reason: CommandError)
}

extension ParticipantSink {
    /// A sink that shows no presence (a test's recorder, a view) drops it.
    package func sendPresence(_ batch: [PresenceCoalescer.Entry], excluding: UUID) {}
    /// A sink that never falls behind needs no resync.
    package func whenBehind(_ resync: @escaping @Sendable () -> Void) {}
}

/// A sink backed by an AsyncStream that the transport drains, one message at a time,
/// through an `OutboundQueue`: acks and edits first, presence coalesced behind them, a
/// `state:full` for a consumer that falls behind, and a close for one that stops reading.
package final class StreamSink: ParticipantSink {
    package enum Event: Sendable {
        case message([UInt8])
        case close(CommandError)
    }

    private struct State: Sendable {
        var queue: OutboundQueue
        var resync: (@Sendable () -> Void)?
        /// `close(reason:)` was called: close once what is queued is written.
        var closing: CommandError?
        var finished = false
    }

    package let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    /// Finishes when the sink is closed or finished (see `closed()`).
    private let closedSignal: AsyncStream<Never>
    private let closedContinuation: AsyncStream<Never>.Continuation
    private let state: Mutex<State>

    package init(limits: OutboundQueue.Limits = OutboundQueue.Limits()) {
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
        (closedSignal, closedContinuation) = AsyncStream.makeStream(of: Never.self)
        state = Mutex(State(queue: OutboundQueue(limits: limits)))
    }

    /// Returns once the sink has closed (the host dropped the participant, or its reader
    /// stalled) or finished. A transport whose write is stuck in a socket the peer no
    /// longer reads must then close the connection itself: the close the sink queued
    /// cannot be written.
    package func closed() async {
        for await _ in closedSignal {}
    }

    package func send(_ message: ServerMessage) {
        let kind: OutboundQueue.Kind =
            switch message {
            case .stateUpdate: .update
            case .stateFull: .full
            default: .control
            }
        push(message.encoded(), kind: kind)
    }

    /// Queues bytes that are not a scene message (WebRTC signalling) on the same queue,
    /// so they keep their order with everything else the transport writes.
    package func send(raw bytes: [UInt8]) {
        push(bytes, kind: .control)
    }

    package func sendPresence(_ batch: [PresenceCoalescer.Entry], excluding: UUID) {
        let now = WallClock.monotonicNanos()
        run { $0.queue.pushPresence(batch, excluding: excluding, nowNanos: now) }
    }

    package func whenBehind(_ resync: @escaping @Sendable () -> Void) {
        state.withLock { $0.resync = resync }
    }

    /// Closes the connection once what is already queued is written.
    package func close(reason: CommandError) {
        let now = WallClock.monotonicNanos()
        let closeNow = state.withLock { s -> Bool in
            guard !s.finished else { return false }
            s.closing = s.closing ?? reason
            if !s.queue.isWriting && s.queue.queuedMessages == 0 { return true }
            return !s.queue.tick(nowNanos: now).isEmpty
        }
        if closeNow { finish(with: reason) }
    }

    /// The transport calls this after writing each message.
    package func delivered() {
        let now = WallClock.monotonicNanos()
        run { $0.queue.written(nowNanos: now) }
    }

    /// The transport is gone: nothing more is written.
    package func finish() {
        state.withLock { $0.finished = true }
        continuation.finish()
        closedContinuation.finish()
    }

    private func push(_ bytes: [UInt8], kind: OutboundQueue.Kind) {
        let now = WallClock.monotonicNanos()
        run { $0.queue.push(bytes, kind: kind, nowNanos: now) }
    }

    /// Runs one step of the queue and carries out its actions. Writes are yielded under
    /// the lock: the queue hands out one write at a time, so their order is the queue's.
    private func run(_ step: (inout State) -> [OutboundQueue.Action]) {
        var resync: (@Sendable () -> Void)?
        var closeWith: CommandError?
        state.withLock { s in
            guard !s.finished else { return }
            for action in step(&s) {
                switch action {
                case .write(let bytes): continuation.yield(.message(bytes))
                case .requestFull: resync = s.resync
                case .close(let reason): closeWith = reason
                }
            }
            if closeWith == nil, let closing = s.closing, !s.queue.isWriting, s.queue.queuedMessages == 0 {
                closeWith = closing
            }
        }
        if let closeWith { finish(with: closeWith) }
        resync?()
    }

    private func finish(with reason: CommandError) {
        let first = state.withLock { s -> Bool in
            defer { s.finished = true }
            return !s.finished
        }
        guard first else { return }
        continuation.yield(.close(reason))
        continuation.finish()
        closedContinuation.finish()
    }
}
