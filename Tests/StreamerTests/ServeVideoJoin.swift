import Foundation
import HummingbirdWSClient
import Logging
import NIOWebSocket
import SceneLedger
import ScenecastTestSupport
import Synchronization
@testable import Streamer
import StreamerTesting

/// A webrtcbin receiver joined to a real `scenecast serve` over `/signal` with
/// `"media":"video"`, as a browser would be; `close()` says bye and stops it.
final class ServeVideoJoin: Sendable {
    let receiver: FrameCountingReceiver
    /// Every message the server sent over the WebSocket, in order.
    let signalled = MessageLog()
    /// Every message the server sent over a data channel, in order.
    let channelled = MessageLog()
    private let outbox: AsyncStream<String>.Continuation
    private let tasks: [Task<Void, Never>]

    init(port: Int, join: String) throws {
        let receiver = try FrameCountingReceiver(mode: .decode, logger: testLogger)
        self.receiver = receiver
        let (stream, outbox) = AsyncStream.makeStream(of: String.self)
        self.outbox = outbox
        outbox.yield(join)
        let signalled = self.signalled
        let channelled = self.channelled
        let connection = Task {
            _ = try? await WebSocketClient.connect(
                url: "ws://127.0.0.1:\(port)/signal", configuration: .init(maxFrameSize: 1 << 22), logger: testLogger
            ) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in stream { try await outbound.write(.text(text)) }
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    for try await message in inbound.messages(maxSize: 1 << 22) {
                        guard case .text(let text) = message, let value = try? JSONValue.parse(text) else { continue }
                        signalled.append(value)
                        switch value["type"]?.stringValue {
                        case "offer": try receiver.applyOffer(value["sdp"]?.stringValue ?? "")
                        case "ice":
                            receiver.addCandidate(
                                mline: Int(value["sdpMLineIndex"]?.doubleValue ?? 0), candidate: value["candidate"]?.stringValue ?? "")
                        default: break
                        }
                    }
                    group.cancelAll()
                }
            }
        }
        let pump = Task {
            for await event in receiver.events {
                switch event {
                case .answer(let sdp): outbox.yield(JSONValue.object(["type": "answer", "sdp": .string(sdp)]).canonicalString)
                case .candidate(let mline, let candidate):
                    outbox.yield(
                        JSONValue.object(["type": "ice", "candidate": .string(candidate), "sdpMLineIndex": .number(Double(mline))])
                            .canonicalString)
                case .message(_, let text): if let value = try? JSONValue.parse(text) { channelled.append(value) }
                case .channelOpen, .failed: break
                }
            }
        }
        tasks = [connection, pump]
    }

    /// Sends a message over the WebSocket.
    func send(_ text: String) { outbox.yield(text) }

    /// The types of the WebSocket messages so far.
    var signalledTypes: [String] { signalled.messages.compactMap { $0["type"]?.stringValue } }

    /// The first WebSocket message of `type`.
    func firstSignalled(_ type: String) -> JSONValue? { signalled.messages.first { $0["type"]?.stringValue == type } }

    func close() async {
        outbox.yield(#"{"type":"bye"}"#)
        outbox.finish()
        _ = await tasks[0].value
        receiver.close()
        tasks[1].cancel()
    }
}

/// Messages received, appended from the connection's tasks and read by the test.
final class MessageLog: Sendable {
    private let storage = Mutex<[JSONValue]>([])

    func append(_ message: JSONValue) { storage.withLock { $0.append(message) } }

    var messages: [JSONValue] { storage.withLock { $0 } }
}
