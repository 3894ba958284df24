import Foundation
import Synchronization

/// Where a scene host sends one participant's messages: the WebSocket (or, later, the
/// data channel) of one session. Sending never blocks the host.
package protocol ParticipantSink: Sendable {
    func send(_ message: ServerMessage)
    /// The host drops the participant (fenced scene, slow consumer); the transport closes.
    func close(reason: CommandError)
}

/// A sink backed by an AsyncStream that the transport drains. A consumer that falls more
/// than `limit` messages behind is disconnected instead of growing memory without bound.
package final class StreamSink: ParticipantSink {
    package enum Event: Sendable {
        case message([UInt8])
        case close(CommandError)
    }

    package let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let queued = Atomic<Int>(0)
    private let limit: Int

    package init(limit: Int = 10_000) {
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
        self.limit = limit
    }

    package func send(_ message: ServerMessage) {
        if queued.wrappingAdd(1, ordering: .relaxed).newValue > limit {
            close(reason: CommandError(.unavailable, "the connection fell too far behind and was closed"))
            return
        }
        continuation.yield(.message(message.encoded()))
    }

    package func close(reason: CommandError) {
        continuation.yield(.close(reason))
        continuation.finish()
    }

    /// Queues bytes that are not a scene message (WebRTC signalling) on the same stream,
    /// so they keep their order with everything else the transport writes.
    package func send(raw bytes: [UInt8]) {
        queued.wrappingAdd(1, ordering: .relaxed)
        continuation.yield(.message(bytes))
    }

    /// The transport calls this after writing each message.
    package func delivered() {
        queued.wrappingAdd(-1, ordering: .relaxed)
    }

    package func finish() {
        continuation.finish()
    }
}
