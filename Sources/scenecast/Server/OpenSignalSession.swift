import CommandBus
import Logging
import Replay
import SceneLedger
import Streamer

/// A `/signal` session once it is open (a participant joined, or a replay opened): it
/// feeds the WebSocket's and the data channels' messages to the session's `SignalFlow`
/// and carries out its actions, one at a time.
actor OpenSignalSession {
    let opened: SignalSession.Opened
    private var flow: SignalFlow
    let socket: StreamSink
    let sink: RoutedSink
    let streamer: Streamer?
    let logger: Logger
    private var media: MediaSession?

    init(opened: SignalSession.Opened, flow: SignalFlow, socket: StreamSink, sink: RoutedSink, streamer: Streamer?, logger: Logger) {
        self.opened = opened
        self.flow = flow
        self.socket = socket
        self.sink = sink
        self.streamer = streamer
        self.logger = logger
    }

    /// A WebSocket message; true once the session is over (the client said bye).
    func socket(_ bytes: [UInt8]) async -> Bool {
        for action in flow.handle(.socket(bytes)) { await perform(action) }
        return flow.state == .closed
    }

    /// A data-channel message.
    func channel(_ bytes: [UInt8]) async {
        for action in flow.handle(.channel(bytes)) { await perform(action) }
    }

    /// The socket ended: closes what is still open (nothing after a bye).
    func end() async {
        for action in flow.handle(.socketClosed) { await perform(action) }
    }

    func perform(_ action: SignalFlow.Action) async {
        switch (action, opened) {
        case (.sendError(let error), _): socket.send(.error(error))
        case (.sendReplayError(let code, let message), _): socket.send(raw: SignalSession.replayError(code, message))
        case (.startVideo(let codec, let width, let height), .live(let host, let session, let role)):
            guard let streamer else { return }
            let media = MediaSession(
                streamer: streamer, host: host, session: session, role: role, codec: codec, sink: sink, logger: logger,
                receive: { [weak self] bytes in await self?.channel(bytes) })
            self.media = media
            await media.start(width: width, height: height)
        case (.startReplayVideo(let width, let height), .replay(let source, let session)):
            guard let streamer else { return }
            let media = MediaSession(
                streamer: streamer, source: source, cameraOwner: session,
                receive: { [weak self] bytes in await self?.channel(bytes) }, sink: sink, logger: logger)
            self.media = media
            await media.start(width: width, height: height)
        case (.command(let bytes), .live(let host, let session, _)): await host.receive(bytes, from: session)
        case (.signal(let message), _): await media?.handle(message)
        case (.replayControl(let value), .replay(let source, _)): await source.handle(value)
        case (.end, .live(let host, let session, _)):
            await media?.close()
            media = nil
            await host.leave(session: session)
        case (.end, .replay(let source, _)):
            await media?.close()
            media = nil
            await source.close()
        default:
            logger.debug("signal action does not fit the session", metadata: ["action": "\(action)"])
        }
    }
}
