package import CommandBus
package import SceneLedger
import Foundation

/// One `/signal` WebSocket, as a pure state machine beside `SignalMachine` (which runs
/// the WebRTC negotiation inside a video session): it takes the client's messages, from
/// the WebSocket and the data channels, and the outcome of what it asked for, and returns
/// what to do. No I/O, no clocks: `SignalSession` in the executable carries the actions out.
///
/// ```
/// opening ──join──▶ joining ──joined──▶ live(video?) ──bye / socket closed──▶ closed
///    │  ▲             └─joinFailed─▶ opening
///    │  └──replayFailed──┐
///    └──replay:open──▶ openingReplay ──replayOpened──▶ replay ──bye / socket closed──▶ closed
/// ```
///
/// Before a session is open, errors go straight back on the WebSocket and the client may
/// try again. In a live session every command goes to the scene host, from the WebSocket
/// or a data channel alike; in a replay only `replay:*` controls are taken.
package struct SignalFlow: Sendable {
    package enum State: Sendable, Equatable {
        /// Waiting for `join` or `replay:open`.
        case opening
        case joining(JoinRequest)
        case openingReplay(ClientMessage.ReplayOpen)
        /// Joined a live scene; `video`: a media session was started.
        case live(video: Bool)
        case replay
        case closed
    }

    package enum Input: Sendable {
        /// A message on the WebSocket.
        case socket([UInt8])
        /// A message on a data channel.
        case channel([UInt8])
        case joined
        case joinFailed(CommandError)
        case replayOpened
        case replayFailed(code: String, message: String)
        /// The WebSocket ended without a bye.
        case socketClosed
    }

    package enum Action: Sendable, CustomStringConvertible {
        /// Join the scene host (then feed `joined` or `joinFailed`).
        case join(JoinRequest)
        /// Open a replay of the session (then feed `replayOpened` or `replayFailed`).
        case openReplay(ClientMessage.ReplayOpen)
        /// An `error` message: on the WebSocket before a session is open, else through
        /// the participant's sink.
        case sendError(CommandError)
        /// A `replay:error` message.
        case sendReplayError(code: String, message: String)
        /// Start the participant's video in `codec`, at the join's size.
        case startVideo(codec: VideoCodec, width: Int?, height: Int?)
        /// Start the replay's video at the size `replay:open` asked for.
        case startReplayVideo(width: Int?, height: Int?)
        /// These bytes go to the scene host as a command (its `CommandDecoder` reads them).
        case command([UInt8])
        /// Signalling for the media session.
        case signal(SignalMessage)
        /// A control for the replay.
        case replayControl(JSONValue)
        /// The session ends: close the media, leave the scene or close the replay.
        case end

        /// One line, for logs and tests: the action and its key values.
        package var description: String {
            switch self {
            case .join(let request): "join \(request.media)"
            case .openReplay(let open): "openReplay \(open.session.uuidString.lowercased())"
            case .sendError(let error): "error \(error.code.rawValue): \(error.message)"
            case .sendReplayError(let code, let message): "replay:error \(code): \(message)"
            case .startVideo(let codec, let width, let height): "startVideo \(codec.rawValue) \(width ?? 0)x\(height ?? 0)"
            case .startReplayVideo(let width, let height): "startReplayVideo \(width ?? 0)x\(height ?? 0)"
            case .command(let bytes): "command \(String(decoding: bytes, as: UTF8.self))"
            case .signal(let message): "signal \(message)"
            case .replayControl(let value): "replayControl \(value.canonicalString)"
            case .end: "end"
            }
        }
    }

    /// The replay's error code for a refused message.
    package static let replayRefused = "invalid_argument"
    package static let replayTakes =
        "A replay takes only replay:seek, replay:play, replay:pause, replay:step, replay:speed, answer, ice and bye"

    /// The codecs this server streams; nil: it streams no video.
    package let codecs: Set<VideoCodec>?
    package private(set) var state: State = .opening

    package init(codecs: Set<VideoCodec>?) { self.codecs = codecs }

    package mutating func handle(_ input: Input) -> [Action] {
        switch (state, input) {
        case (.closed, _): return []
        case (_, .socketClosed):
            let open = state == .replay || state == .live(video: true) || state == .live(video: false)
            state = .closed
            return open ? [.end] : []
        case (.opening, .socket(let bytes)): return opening(bytes)
        case (.joining(let request), .joined): return joined(request)
        case (.joining, .joinFailed(let error)):
            state = .opening
            return [.sendError(error)]
        case (.openingReplay(let open), .replayOpened):
            state = .replay
            return [.startReplayVideo(width: open.width, height: open.height)]
        case (.openingReplay, .replayFailed(let code, let message)):
            state = .opening
            return [.sendReplayError(code: code, message: message)]
        case (.live(let video), .socket(let bytes)): return live(bytes, video: video)
        case (.live, .channel(let bytes)): return [.command(bytes)]
        case (.replay, .socket(let bytes)): return replay(bytes)
        case (.replay, .channel(let bytes)): return replayChannel(bytes)
        default:
            // An outcome that does not fit the state, or a message while a join or a
            // replay is being opened (the driver reads none then): nothing to do.
            return []
        }
    }

    private mutating func opening(_ bytes: [UInt8]) -> [Action] {
        switch ClientMessage.decode(bytes, phase: .opening) {
        case .success(.join(let request)):
            state = .joining(request)
            return [.join(request)]
        case .success(.replayOpen(let open)):
            guard codecs != nil else {
                return [.sendReplayError(code: Self.replayRefused, message: "This server does not stream video, so it cannot show a replay")]
            }
            state = .openingReplay(open)
            return [.openReplay(open)]
        case .success:
            return []  // the opening phase decodes only a join or a replay:open
        case .failure(.command(let error)): return [.sendError(error)]
        case .failure(.replay(let message)): return [.sendReplayError(code: Self.replayRefused, message: message)]
        }
    }

    private mutating func joined(_ request: JoinRequest) -> [Action] {
        guard request.media == "video" else {
            state = .live(video: false)
            return []
        }
        guard let codecs else {
            state = .live(video: false)
            return [.sendError(CommandError(SignalMachine.noMedia, "this server does not stream video; join with \"media\":\"none\""))]
        }
        guard let codec = VideoCodec.choose(offered: request.codecs, available: codecs) else {
            state = .live(video: false)
            let available = codecs.map(\.rawValue).sorted().joined(separator: ", ")
            return [
                .sendError(CommandError(SignalMachine.noMedia,
                    "this server streams \(available), none of the codecs the join lists; join with \"media\":\"none\" for the plan view"))
            ]
        }
        state = .live(video: true)
        return [.startVideo(codec: codec, width: request.width, height: request.height)]
    }

    private mutating func live(_ bytes: [UInt8], video: Bool) -> [Action] {
        switch ClientMessage.decode(bytes, phase: .session) {
        case .success(.bye):
            state = .closed
            return [.end]
        case .success(.signal(let message)):
            guard video else {
                return [.sendError(CommandError(SignalMachine.noMedia, "send answer and ice only after a join with \"media\":\"video\""))]
            }
            return [.signal(message)]
        case .success: return [.command(bytes)]  // commands, and anything the host's decoder refuses
        case .failure(.command(let error)): return [.sendError(error)]
        case .failure(.replay(let message)): return [.sendError(CommandError(.invalidCommand, message))]
        }
    }

    private mutating func replay(_ bytes: [UInt8]) -> [Action] {
        switch ClientMessage.decode(bytes, phase: .session) {
        case .success(.bye):
            state = .closed
            return [.end]
        case .success(.signal(let message)): return [.signal(message)]
        case .success(.replayControl(let value)): return [.replayControl(value)]
        case .success(.unreadable): return [.sendReplayError(code: Self.replayRefused, message: "A replay control message must be valid JSON")]
        case .success: return [.sendReplayError(code: Self.replayRefused, message: Self.replayTakes)]
        case .failure(.command(let error)): return [.sendError(error)]
        case .failure(.replay(let message)): return [.sendReplayError(code: Self.replayRefused, message: message)]
        }
    }

    /// A replay's data channels carry only controls.
    private func replayChannel(_ bytes: [UInt8]) -> [Action] {
        switch ClientMessage.decode(bytes, phase: .session) {
        case .success(.replayControl(let value)): return [.replayControl(value)]
        case .success(.unreadable): return [.sendReplayError(code: Self.replayRefused, message: "A replay control message must be valid JSON")]
        default: return [.sendReplayError(code: Self.replayRefused, message: Self.replayTakes)]
        }
    }
}
