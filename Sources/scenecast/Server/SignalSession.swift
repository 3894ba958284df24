import CommandBus
import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Replay
import SceneLedger
import Streamer

/// One `/signal` WebSocket: a join, then commands in and acks, errors and state out.
///
/// The first message must be `join`; after it every message goes to the scene host as a
/// command, exactly as the data channels' do. A join with `"media":"video"` also starts a
/// `MediaSession`: the WebSocket then carries `offer`, `answer` and `ice` as well, and the
/// participant's server messages move to the `commands` data channel once it opens.
/// Malformed input gets a structured `error` and the connection stays open.
struct SignalSession {
    let hosts: SceneHostManager
    let demoScene: UUID?
    let streamer: Streamer?
    /// For replays (`replay:open`, see `ReplaySignal`).
    let store: LedgerStore
    /// The client's IP address, recorded with its identity at join; nil when unknown.
    let remoteIP: String?
    let logger: Logger

    /// The largest frame accepted; bigger commands are refused with `too_large` by the
    /// decoder as long as they fit in a frame.
    static let maxFrameBytes = 1 << 20

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        var messages = inbound.messages(maxSize: SignalSession.maxFrameBytes).makeAsyncIterator()
        let socketSink = StreamSink()
        let sink = RoutedSink(socket: socketSink)
        var joined: (host: SceneHost, session: UUID)?
        var video: JoinRequest?

        // Until a join succeeds, answer directly.
        while joined == nil {
            guard let message = try await messages.next() else { return }
            let bytes = SignalSession.bytes(of: message)
            if let open = ReplaySignal.decodeOpen(bytes) {
                // A replay instead of a join: observers only, nothing joins or is written.
                do {
                    let request = try open.get()
                    guard let streamer else {
                        throw ReplayError(.invalidArgument, "This server does not stream video, so it cannot show a replay")
                    }
                    let socketSink = StreamSink()
                    let source = try await ReplayViewSource.open(loader: ReplayLoader(store: store), session: request.session) { reply in
                        socketSink.send(raw: reply.canonicalBytes)
                    }
                    var log = logger
                    log[metadataKey: "replay"] = "\(request.session)"
                    log.info("replay opened")
                    try await ReplaySignal.run(
                        request, source: source, streamer: streamer, messages: &messages, outbound: outbound, socketSink: socketSink,
                        logger: log)
                    log.info("replay closed")
                    return
                } catch let error as ReplayError {
                    try await ReplaySignal.send(ReplayController.errorMessage(error), to: outbound)
                    continue
                }
            }
            switch JoinRequest.decode(bytes) {
            case .failure(let error):
                try await send(.error(error), to: outbound)
            case .success(let request):
                do {
                    joined = try await join(request, sink: sink)
                    if request.media == "video" { video = request }
                } catch let error as CommandError {
                    try await send(.error(error), to: outbound)
                }
            }
        }
        guard let (host, session) = joined else { return }
        var log = logger
        log[metadataKey: "session"] = "\(session)"
        log.info("participant joined")
        var media: MediaSession?
        if let video {
            if let streamer {
                if let codec = VideoCodec.choose(offered: video.codecs, available: streamer.configuration.codecs) {
                    let session = MediaSession(
                        streamer: streamer, host: host, session: session, role: video.role, codec: codec, sink: sink, logger: log)
                    await session.start(width: video.width, height: video.height)
                    media = session
                } else {
                    let available = streamer.configuration.codecs.map(\.rawValue).sorted().joined(separator: ", ")
                    socketSink.send(.error(CommandError(SignalMachine.noMedia,
                        "this server streams \(available), none of the codecs the join lists; join with \"media\":\"none\" for the plan view")))
                }
            } else {
                socketSink.send(.error(CommandError(SignalMachine.noMedia, "this server does not stream video; join with \"media\":\"none\"")))
            }
        }

        await withThrowingTaskGroup(of: Void.self) { group in
            // Outbound: everything the host says to this participant, in order.
            group.addTask {
                for await event in socketSink.events {
                    switch event {
                    case .message(let bytes):
                        try await outbound.write(.text(String(decoding: bytes, as: UTF8.self)))
                        socketSink.delivered()
                    case .close(let reason):
                        try? await outbound.write(.text(String(decoding: ServerMessage.error(reason).encoded(), as: UTF8.self)))
                        try? await outbound.close(.goingAway, reason: reason.code.rawValue)
                        return
                    }
                }
            }
            // Inbound: commands, until the client leaves.
            await Self.readUntilBye(
                &messages, socket: socketSink, logger: log,
                command: { bytes in await host.receive(bytes, from: session) },
                signal: { signalling in
                    if let media {
                        await media.handle(signalling)
                    } else {
                        socketSink.send(.error(CommandError(SignalMachine.noMedia, "send answer and ice only after a join with \"media\":\"video\"")))
                    }
                })
            await media?.close()
            await host.leave(session: session)
            socketSink.finish()
            group.cancelAll()
        }
        log.info("participant left")
    }

    private func join(_ request: JoinRequest, sink: RoutedSink) async throws -> (SceneHost, UUID) {
        let sceneID: UUID
        switch request.scene {
        case .id(let id): sceneID = id
        case .demo:
            guard let demoScene else {
                throw CommandError(.unknownScene, "this server has no demo scene; start it with --demo N")
            }
            sceneID = demoScene
        }
        let host: SceneHost
        do {
            host = try await hosts.host(for: sceneID)
        } catch {
            if error.code == .notFound {
                throw CommandError(.unknownScene, "scene \(sceneID.uuidString.lowercased()) does not exist")
            }
            throw CommandError(.unavailable, "scene \(sceneID.uuidString.lowercased()) cannot be hosted now: \(error.message)", underlying: error)
        }
        let joined = try await host.join(
            actor: request.actor ?? UUID(), name: request.name, role: request.role, sink: sink,
            clientTimeMillis: Int64(Date().timeIntervalSince1970 * 1000),
            iceServers: request.media == "video" ? (streamer?.configuration.ice.browserServers ?? []) : [],
            email: request.email, ip: remoteIP, view: ViewSize(joinWidth: request.width, joinHeight: request.height)
        )
        return (host, joined.session)
    }

    private func send(_ message: ServerMessage, to outbound: WebSocketOutboundWriter) async throws {
        try await outbound.write(.text(String(decoding: message.encoded(), as: UTF8.self)))
    }

    static func bytes(of message: WebSocketMessage) -> [UInt8] {
        switch message {
        case .text(let text): Array(text.utf8)
        case .binary(let buffer): Array(buffer.readableBytesView)
        }
    }
}
