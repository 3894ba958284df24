import CommandBus
import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import Replay
import SceneLedger
import Streamer

/// One `/signal` WebSocket: the thin I/O layer under Streamer's `SignalFlow`, which
/// decides what every client message does (a join or a replay first, then commands,
/// signalling and replay controls, from the WebSocket and the data channels alike). This
/// type only carries out its actions: joining the scene host, opening a replay, starting
/// the media session, writing to the socket. See docs/protocol.md.
struct SignalSession {
    let hosts: SceneHostManager
    let demoScene: UUID?
    let streamer: Streamer?
    /// For replays (`replay:open`).
    let store: LedgerStore
    /// The client's IP address, recorded with its identity at join; nil when unknown.
    let remoteIP: String?
    /// This connection's outbound queue limits (slow consumers).
    let outboundLimits: OutboundQueue.Limits
    /// Closes the TCP connection without a close handshake (see `run`).
    let closeConnection: @Sendable () -> Void
    let logger: Logger

    /// How long a closed sink's last messages and close frame may take to be written
    /// before the connection is cut.
    static let closeGrace: Duration = .seconds(3)

    /// The largest frame accepted; bigger commands are refused with `too_large` by the
    /// decoder as long as they fit in a frame.
    static let maxFrameBytes = 1 << 20

    /// What an open session talks to.
    enum Opened: Sendable {
        case live(host: SceneHost, session: UUID, role: Role)
        case replay(source: ReplayViewSource, session: UUID)
    }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        var messages = inbound.messages(maxSize: SignalSession.maxFrameBytes).makeAsyncIterator()
        let socketSink = StreamSink(limits: outboundLimits)
        let sink = RoutedSink(socket: socketSink)
        var flow = SignalFlow(codecs: streamer?.configuration.codecs)
        var opened: Opened?
        // What the flow says once the session is open (its media, or why there is none):
        // the open session carries it out, after the join's own messages.
        var deferred: [SignalFlow.Action] = []

        // Until a session is open, answer on the socket directly; the client may try again.
        while opened == nil {
            guard let message = try await messages.next() else { return }
            var inputs: [SignalFlow.Input] = [.socket(Self.bytes(of: message))]
            while !inputs.isEmpty {
                let input = inputs.removeFirst()
                for action in flow.handle(input) {
                    if opened != nil {
                        deferred.append(action)
                        continue
                    }
                    switch action {
                    case .sendError(let error): try await Self.write(ServerMessage.error(error).encoded(), to: outbound)
                    case .sendReplayError(let code, let message): try await Self.write(Self.replayError(code, message), to: outbound)
                    case .join(let request):
                        do {
                            let (host, session) = try await join(request, sink: sink)
                            opened = .live(host: host, session: session, role: request.role)
                            inputs.append(.joined)
                        } catch let error as CommandError {
                            inputs.append(.joinFailed(error))
                        }
                    case .openReplay(let open):
                        do {
                            let source = try await ReplayViewSource.open(loader: ReplayLoader(store: store), session: open.session) { reply in
                                socketSink.send(raw: reply.canonicalBytes)
                            }
                            opened = .replay(source: source, session: open.session)
                            inputs.append(.replayOpened)
                        } catch {
                            inputs.append(.replayFailed(code: error.code.rawValue, message: error.message))
                        }
                    default:
                        logger.debug("signal action before the session is open", metadata: ["action": "\(action)"])
                    }
                }
            }
        }
        guard let opened else { return }
        var log = logger
        switch opened {
        case .live(_, let session, _): log[metadataKey: "session"] = "\(session)"
        case .replay(_, let session): log[metadataKey: "replay"] = "\(session)"
        }
        log.info(Self.isReplay(opened) ? "replay opened" : "participant joined")
        let driver = OpenSignalSession(opened: opened, flow: flow, socket: socketSink, sink: sink, streamer: streamer, logger: log)
        for action in deferred { await driver.perform(action) }

        await withThrowingTaskGroup(of: Void.self) { group in
            // Outbound: everything the host (or the replay) says to this client, in order.
            group.addTask { try await Self.writeOutbound(socketSink, to: outbound) }
            // A client that stopped reading: the sink closed, but its error and the close
            // frame sit behind a write the socket never finishes. Cut the connection after
            // a grace; that fails the stuck write and ends the inbound loop below.
            group.addTask { [closeConnection, log] in
                await socketSink.closed()
                try await Task.sleep(for: Self.closeGrace)
                log.warning("closing the connection of a client that stopped reading")
                closeConnection()
            }
            // Inbound: until the client says bye or the socket ends.
            do {
                while let message = try await messages.next() {
                    if await driver.socket(Self.bytes(of: message)) { break }
                }
            } catch {
                log.debug("connection ended", metadata: ["error": "\(error)"])
            }
            await driver.end()
            socketSink.finish()
            group.cancelAll()
        }
        log.info(Self.isReplay(opened) ? "replay closed" : "participant left")
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

    /// Writes what the session's sink queues, until it closes the connection.
    static func writeOutbound(_ socketSink: StreamSink, to outbound: WebSocketOutboundWriter) async throws {
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

    static func write(_ bytes: [UInt8], to outbound: WebSocketOutboundWriter) async throws {
        try await outbound.write(.text(String(decoding: bytes, as: UTF8.self)))
    }

    /// A `replay:error` message, as Replay writes it.
    static func replayError(_ code: String, _ message: String) -> [UInt8] {
        ReplayController.errorMessage(ReplayError(.init(code), message)).canonicalBytes
    }

    static func isReplay(_ opened: Opened) -> Bool {
        if case .replay = opened { return true }
        return false
    }

    static func bytes(of message: WebSocketMessage) -> [UInt8] {
        switch message {
        case .text(let text): Array(text.utf8)
        case .binary(let buffer): Array(buffer.readableBytesView)
        }
    }
}
