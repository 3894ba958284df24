import CommandBus
import Foundation
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket
import SceneLedger

/// One `/signal` WebSocket: a join, then commands in and acks, errors and state out.
///
/// The first message must be `join`; after it every message goes to the scene host as a
/// command, exactly as the data channel's will. Malformed input gets a structured `error`
/// and the connection stays open.
struct SignalSession {
    let hosts: SceneHostManager
    let demoScene: UUID?
    let logger: Logger

    /// The largest frame accepted; bigger commands are refused with `too_large` by the
    /// decoder as long as they fit in a frame.
    static let maxFrameBytes = 1 << 20

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        var messages = inbound.messages(maxSize: SignalSession.maxFrameBytes).makeAsyncIterator()
        let sink = StreamSink()
        var joined: (host: SceneHost, session: UUID)?

        // Until a join succeeds, answer directly.
        while joined == nil {
            guard let message = try await messages.next() else { return }
            let bytes = SignalSession.bytes(of: message)
            switch JoinRequest.decode(bytes) {
            case .failure(let error):
                try await send(.error(error), to: outbound)
            case .success(let request):
                do {
                    joined = try await join(request, sink: sink)
                } catch let error as CommandError {
                    try await send(.error(error), to: outbound)
                }
            }
        }
        guard let (host, session) = joined else { return }
        var log = logger
        log[metadataKey: "session"] = "\(session)"
        log.info("participant joined")

        try await withThrowingTaskGroup(of: Void.self) { group in
            // Outbound: everything the host says to this participant, in order.
            group.addTask {
                for await event in sink.events {
                    switch event {
                    case .message(let bytes):
                        try await outbound.write(.text(String(decoding: bytes, as: UTF8.self)))
                        sink.delivered()
                    case .close(let reason):
                        try? await outbound.write(.text(String(decoding: ServerMessage.error(reason).encoded(), as: UTF8.self)))
                        try? await outbound.close(.goingAway, reason: reason.code.rawValue)
                        return
                    }
                }
            }
            // Inbound: commands, until the client leaves.
            do {
                while let message = try await messages.next() {
                    let bytes = SignalSession.bytes(of: message)
                    if SignalSession.isBye(bytes) { break }
                    await host.receive(bytes, from: session)
                }
            } catch {
                log.debug("connection ended", metadata: ["error": "\(error)"])
            }
            await host.leave(session: session)
            sink.finish()
            group.cancelAll()
        }
        log.info("participant left")
    }

    private func join(_ request: JoinRequest, sink: StreamSink) async throws -> (SceneHost, UUID) {
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
            clientTimeMillis: Int64(Date().timeIntervalSince1970 * 1000)
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

    /// `{"type":"bye"}` ends the session.
    static func isBye(_ bytes: [UInt8]) -> Bool {
        guard bytes.count < 64, let value = try? JSONValue.parse(bytes) else { return false }
        return value["type"]?.stringValue == "bye"
    }
}
