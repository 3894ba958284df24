package import CommandBus
package import Foundation
import Synchronization

/// A participant's sink that sends over the WebSocket until the peer's `commands` data
/// channel opens, then over that channel (falling back to the WebSocket if a send fails,
/// or for messages too large for one SCTP message). Closing always goes to the WebSocket.
package final class RoutedSink: ParticipantSink {
    package let socket: StreamSink
    private let channel = Mutex<WebRTCPeer?>(nil)

    /// webrtcbin's largest data-channel message.
    static let maxChannelMessage = 256 * 1024

    package init(socket: StreamSink) { self.socket = socket }

    package func send(_ message: ServerMessage) {
        if let peer = channel.withLock({ $0 }) {
            let bytes = message.encoded()
            if bytes.count <= Self.maxChannelMessage, peer.send(String(decoding: bytes, as: UTF8.self), on: .commands) {
                return
            }
        }
        socket.send(message)
    }

    /// Presence always goes over the WebSocket, behind acks and edits in its queue.
    package func sendPresence(_ batch: [PresenceCoalescer.Entry], excluding: UUID) {
        socket.sendPresence(batch, excluding: excluding)
    }

    package func whenBehind(_ resync: @escaping @Sendable () -> Void) {
        socket.whenBehind(resync)
    }

    package func close(reason: CommandError) {
        socket.close(reason: reason)
    }

    /// Routes later messages through `peer`'s `commands` channel (nil: the WebSocket).
    package func route(to peer: WebRTCPeer?) {
        channel.withLock { $0 = peer }
    }
}
