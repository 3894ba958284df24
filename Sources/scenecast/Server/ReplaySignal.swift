import CommandBus
import Foundation
import HummingbirdWebSocket
import Logging
import Replay
import SceneLedger
import Streamer

/// A `/signal` WebSocket that opened a replay instead of joining:
/// `{"type":"replay:open","session":"<uuid>","width":n?,"height":n?}`. The client gets a
/// video of that session's scene through its camera, driven by `replay:*` control messages
/// (WebSocket or data channel); every answer (`replay:state`, `replay:error`) comes over
/// the WebSocket. It never joins the scene and never writes to the ledger.
struct ReplaySignal {
    struct Open: Equatable {
        var session: UUID
        var width: Int?
        var height: Int?
    }

    /// nil: not a `replay:open` (the caller reads it as a join). Otherwise the request, or
    /// the reason it is malformed.
    static func decodeOpen(_ bytes: [UInt8]) -> Result<Open, ReplayError>? {
        guard let value = try? JSONValue.parse(bytes), let fields = value.objectValue, fields["type"]?.stringValue == "replay:open" else {
            return nil
        }
        if let extra = fields.keys.sorted().first(where: { !["type", "session", "width", "height"].contains($0) }) {
            return .failure(ReplayError(.invalidArgument, "replay:open takes no field \"\(extra)\""))
        }
        guard let text = fields["session"]?.stringValue, let session = UUID(uuidString: text) else {
            return .failure(ReplayError(.invalidArgument, "replay:open needs \"session\": the session's id (a UUID)"))
        }
        var size: [Int?] = []
        for key in ["width", "height"] {
            guard let field = fields[key] else {
                size.append(nil)
                continue
            }
            guard let d = field.doubleValue, d.rounded() == d, (16...4096).contains(d) else {
                return .failure(ReplayError(.invalidArgument, "replay:open: \"\(key)\" must be a whole number from 16 to 4096"))
            }
            size.append(Int(d))
        }
        return .success(Open(session: session, width: size[0], height: size[1]))
    }

    static func send(_ value: JSONValue, to outbound: WebSocketOutboundWriter) async throws {
        try await outbound.write(.text(value.canonicalString))
    }

    /// Streams the replay until the client says bye or the socket closes.
    static func run(
        _ open: Open, source: ReplayViewSource, streamer: Streamer, messages: inout WebSocketInboundMessageStream.AsyncIterator,
        outbound: WebSocketOutboundWriter, socketSink: StreamSink, logger: Logger
    ) async throws {
        let sink = RoutedSink(socket: socketSink)
        let media = MediaSession(
            streamer: streamer, source: source, cameraOwner: open.session,
            receive: { bytes in await ReplaySignal.control(bytes, source: source, socket: socketSink) }, sink: sink, logger: logger)
        await media.start(width: open.width, height: open.height)
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in socketSink.events {
                    switch event {
                    case .message(let bytes):
                        try await outbound.write(.text(String(decoding: bytes, as: UTF8.self)))
                        socketSink.delivered()
                    case .close: return
                    }
                }
            }
            await SignalSession.readUntilBye(
                &messages, socket: socketSink, logger: logger,
                command: { bytes in await control(bytes, source: source, socket: socketSink) },
                signal: { signalling in await media.handle(signalling) })
            await media.close()
            await source.close()
            socketSink.finish()
            group.cancelAll()
        }
    }

    /// A control message from the client; anything but `replay:*` is refused.
    static func control(_ bytes: [UInt8], source: ReplayViewSource, socket: StreamSink) async {
        guard let value = try? JSONValue.parse(bytes) else {
            socket.send(raw: ReplayController.errorMessage(ReplayError(.invalidArgument, "A replay control message must be valid JSON")).canonicalBytes)
            return
        }
        guard let type = value["type"]?.stringValue, ReplayControl.isControl(type: type) else {
            socket.send(
                raw: ReplayController.errorMessage(
                    ReplayError(.invalidArgument, "A replay takes only replay:seek, replay:play, replay:pause, replay:step, replay:speed, answer, ice and bye")
                ).canonicalBytes)
            return
        }
        await source.handle(value)
    }
}
