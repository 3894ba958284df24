package import CommandBus
package import Foundation
package import Logging
package import SceneLedger

/// The video half of one `/signal` session: a peer on a view, driven by `SignalMachine`.
///
/// Peer events (offer, candidates, channel state) and the client's `answer`/`ice` go
/// through the machine; its actions are carried out here. Every data-channel message
/// goes to the scene host exactly as a WebSocket message does, one at a time, in order.
package actor MediaSession {
    /// Attaches a peer at a size: to a live view of the scene, or to a replay's view.
    typealias Attach = @Sendable (_ width: Int, _ height: Int) async throws(StreamerError) -> Streamer.Attachment
    /// Moves the peer to the driver's view (true) or its own camera's; returns the camera owner.
    typealias Follow = @Sendable (_ attachment: Streamer.Attachment, _ follow: Bool) async throws(StreamerError) -> UUID

    let streamer: Streamer
    let attach: Attach
    let follow: Follow?
    /// Where the client's data-channel messages go.
    let receive: @Sendable ([UInt8]) async -> Void
    let sink: RoutedSink
    let logger: Logger
    private var machine: SignalMachine
    private var attachment: Streamer.Attachment?
    private var pump: Task<Void, Never>?

    /// A participant's live view in `codec`: data-channel messages go to `receive` (by
    /// default straight to the scene host as commands; `/signal` passes them through its
    /// `SignalFlow`). An observer follows the driver's view until it sends `view` with
    /// `"follow":false`.
    package init(
        streamer: Streamer, host: SceneHost, session: UUID, role: Role, codec: VideoCodec = .h264, sink: RoutedSink, logger: Logger,
        receive: (@Sendable ([UInt8]) async -> Void)? = nil
    ) {
        self.init(
            streamer: streamer, codec: codec,
            attach: { width, height throws(StreamerError) in
                try await streamer.attach(host: host, participant: session, role: role, codec: codec, width: width, height: height)
            },
            follow: { attachment, follow throws(StreamerError) in
                try await streamer.follow(attachment, host: host, role: role, follow: follow)
            },
            receive: receive ?? { bytes in await host.receive(bytes, from: session) }, sink: sink, logger: logger)
    }

    /// A view of `source` (a replay) through `cameraOwner`'s camera; data-channel messages
    /// go to `receive`.
    package init(
        streamer: Streamer, source: some ViewSource, cameraOwner: UUID, receive: @escaping @Sendable ([UInt8]) async -> Void,
        sink: RoutedSink, logger: Logger
    ) {
        self.init(
            streamer: streamer, codec: .h264,
            attach: { width, height throws(StreamerError) in
                try await streamer.attach(source: source, cameraOwner: cameraOwner, width: width, height: height)
            },
            follow: nil, receive: receive, sink: sink, logger: logger)
    }

    private init(
        streamer: Streamer, codec: VideoCodec, attach: @escaping Attach, follow: Follow?,
        receive: @escaping @Sendable ([UInt8]) async -> Void, sink: RoutedSink, logger: Logger
    ) {
        self.streamer = streamer
        self.machine = SignalMachine(codec: codec)
        self.attach = attach
        self.follow = follow
        self.receive = receive
        self.sink = sink
        self.logger = logger
    }

    /// Attaches a peer to a view and starts negotiating; failures go to the client as `error`.
    package func start(width: Int?, height: Int?) async {
        let size = SignalMachine.videoSize(width: width, height: height)
        do {
            let attachment = try await attach(size.width, size.height)
            self.attachment = attachment
            let events = attachment.peer.events
            pump = Task { await self.consume(events) }
        } catch {
            perform(machine.handle(.peerFailed(message: "video is not available: \(error.message)")))
        }
    }

    /// The peer, once attached.
    package var peer: WebRTCPeer? { attachment?.peer }

    /// A signalling message from the client's WebSocket.
    package func handle(_ message: SignalMessage) async {
        let actions = machine.handle(.client(message))
        perform(actions)
        for case .follow(let wanted) in actions { await setFollow(wanted) }
    }

    private func setFollow(_ wanted: Bool) async {
        guard let follow, let attachment else {
            sink.socket.send(raw: SignalMachine.error(SignalMachine.negotiationFailed, "this video session cannot change views").canonicalBytes)
            return
        }
        do {
            let camera = try await follow(attachment, wanted)
            sink.socket.send(raw: SignalMessage.viewState(follow: wanted, camera: camera.uuidString.lowercased()).canonicalBytes)
        } catch {
            sink.socket.send(raw: SignalMachine.error(SignalMachine.negotiationFailed, "the view could not change: \(error.message)").canonicalBytes)
        }
    }

    /// Ends the media session (the WebSocket closed or said `bye`).
    package func close() async {
        perform(machine.handle(.client(.bye)))
        pump?.cancel()
        if let attachment {
            await streamer.detach(attachment)
            self.attachment = nil
        }
    }

    private func consume(_ events: AsyncStream<PeerEvent>) async {
        for await event in events {
            switch event {
            case .offer(let sdp): perform(machine.handle(.offerReady(sdp: sdp)))
            case .candidate(let mline, let candidate):
                perform(machine.handle(.localCandidate(candidate: candidate, mline: mline)))
            case .channelOpen(let label): perform(machine.handle(.channelOpened(label)))
            case .channelClosed(let label): perform(machine.handle(.channelClosed(label)))
            case .failed(let error): perform(machine.handle(.peerFailed(message: error.message)))
            case .message(_, let bytes):
                // Live: the same path as the WebSocket (decoding, roles, dispatch, the ledger).
                await receive(bytes)
            }
        }
    }

    private func perform(_ actions: [SignalMachine.Action]) {
        for action in actions {
            switch action {
            case .send(let message):
                sink.socket.send(raw: message.canonicalBytes)
            case .applyAnswer(let sdp):
                do { try attachment?.peer.applyAnswer(sdp) } catch {
                    perform(machine.handle(.peerFailed(message: error.message)))
                }
            case .addRemoteCandidate(let candidate, let mline):
                attachment?.peer.addCandidate(mline: mline, candidate: candidate)
            case .routeToChannel(let on):
                sink.route(to: on ? attachment?.peer : nil)
                if on { logger.debug("server messages now go over the commands channel") }
            case .closePeer:
                sink.route(to: nil)
                if let peer = attachment?.peer { GStreamerControl.async { peer.close() } }
            case .follow:
                break  // carried out by `handle`, which can wait for the move
            }
        }
    }
}
