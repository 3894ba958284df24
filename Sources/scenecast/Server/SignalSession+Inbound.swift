import CommandBus
import Hummingbird
import HummingbirdWebSocket
import Logging
import Streamer

extension SignalSession {
    /// Reads the client's messages until `bye` or the end of the socket, for a live session
    /// and a replay alike: commands go to `command`, signalling (`answer`, `ice`, `view`) to
    /// `signal`, and malformed signalling gets a structured `error`.
    static func readUntilBye(
        _ messages: inout WebSocketInboundMessageStream.AsyncIterator, socket: StreamSink, logger: Logger,
        command: ([UInt8]) async -> Void, signal: (SignalMessage) async -> Void
    ) async {
        do {
            while let message = try await messages.next() {
                let bytes = bytes(of: message)
                switch SignalMessage.classify(bytes) {
                case .success(.bye): return
                case .success(.command): await command(bytes)
                case .success(let signalling): await signal(signalling)
                case .failure(let error): socket.send(.error(error))
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }
}
