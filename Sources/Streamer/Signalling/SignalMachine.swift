package import CommandBus
package import SceneLedger

/// The WebRTC half of one `/signal` session, as a pure state machine: it takes what the
/// client and the peer say and returns what to do, with no I/O of its own.
///
/// Flow (after `joined` with `"media":"video"`): the server sends `offer`, the client
/// answers, both sides trickle `ice`; `bye` ends it. Local candidates found before the
/// offer went out wait for it; the client's candidates that arrive before its answer wait
/// for the answer.
package struct SignalMachine: Sendable {
    package enum State: Sendable, Equatable {
        /// The peer is building its offer.
        case offering
        /// The offer went out; waiting for the answer.
        case awaitingAnswer
        /// The answer was applied; ICE and data channels take it from here.
        case connected
        case closed
    }

    package enum Input: Sendable, Equatable {
        case offerReady(sdp: String)
        case localCandidate(candidate: String, mline: Int)
        case client(SignalMessage)
        case peerFailed(message: String)
        case channelOpened(DataChannelLabel)
        case channelClosed(DataChannelLabel)
    }

    package enum Action: Sendable, Equatable {
        /// Write this message on the WebSocket.
        case send(JSONValue)
        case applyAnswer(sdp: String)
        case addRemoteCandidate(candidate: String, mline: Int)
        /// Send the participant's server messages over the `commands` channel (true) or
        /// the WebSocket (false).
        case routeToChannel(Bool)
        /// Close the peer connection.
        case closePeer
        /// Follow the driver's view (true) or watch the participant's own camera.
        case follow(Bool)
    }

    /// The error code for signalling out of turn or a failed negotiation.
    package static let negotiationFailed = CommandError.Code("negotiation_failed")
    package static let noMedia = CommandError.Code("no_media")

    package private(set) var state: State = .offering
    /// The codec the offer carries.
    package let codec: VideoCodec
    private var localCandidates: [(String, Int)] = []
    private var remoteCandidates: [(String, Int)] = []

    package init(codec: VideoCodec = .h264) { self.codec = codec }

    package mutating func handle(_ input: Input) -> [Action] {
        if state == .closed { return [] }
        switch input {
        case .offerReady(let sdp):
            guard state == .offering else { return [] }
            state = .awaitingAnswer
            var actions: [Action] = [.send(SignalMessage.offer(sdp))]
            actions += localCandidates.map { .send(SignalMessage.candidate($0.0, mline: $0.1)) }
            localCandidates.removeAll()
            return actions
        case .localCandidate(let candidate, let mline):
            if state == .offering {
                localCandidates.append((candidate, mline))
                return []
            }
            return [.send(SignalMessage.candidate(candidate, mline: mline))]
        case .client(let message):
            return client(message)
        case .peerFailed(let message):
            state = .closed
            return [.send(Self.error(Self.negotiationFailed, message)), .routeToChannel(false), .closePeer]
        case .channelOpened(let label):
            return label == .commands ? [.routeToChannel(true)] : []
        case .channelClosed(let label):
            return label == .commands ? [.routeToChannel(false)] : []
        }
    }

    private mutating func client(_ message: SignalMessage) -> [Action] {
        switch message {
        case .answer(let sdp):
            guard state == .awaitingAnswer else {
                let why = state == .offering ? "no offer has been sent yet" : "an answer was already applied"
                return [.send(Self.error(Self.negotiationFailed, "unexpected answer: \(why)"))]
            }
            guard Self.accepts(codec, sdp) else {
                state = .closed
                let other = codec == .h264 ? "VP8" : "H264"
                return [
                    .send(Self.error(Self.negotiationFailed,
                        "the answer accepts no \(codec.rawValue) video; list the codecs the browser decodes in join's \"codecs\" (for example [\"\(other)\"])")),
                    .routeToChannel(false), .closePeer,
                ]
            }
            state = .connected
            var actions: [Action] = [.applyAnswer(sdp: sdp)]
            actions += remoteCandidates.map { .addRemoteCandidate(candidate: $0.0, mline: $0.1) }
            remoteCandidates.removeAll()
            return actions
        case .ice(let candidate, let mline):
            if state == .connected { return [.addRemoteCandidate(candidate: candidate, mline: mline)] }
            remoteCandidates.append((candidate, mline))
            return []
        case .bye:
            state = .closed
            return [.routeToChannel(false), .closePeer]
        case .view(let follow):
            return [.follow(follow)]
        }
    }

    /// True when the answer's video section is active (a non-zero port) and keeps `codec`.
    package static func accepts(_ codec: VideoCodec, _ sdp: String) -> Bool {
        let lines = sdp.split(whereSeparator: \.isNewline)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("m=video ") }) else { return false }
        if lines[start].split(separator: " ").dropFirst().first == "0" { return false }
        let section = lines[(start + 1)...].prefix { !$0.hasPrefix("m=") }
        return section.contains { $0.hasPrefix("a=rtpmap:") && $0.uppercased().contains(" \(codec.rawValue)/90000") }
    }

    /// An `error` message with `"ref":null`.
    package static func error(_ code: CommandError.Code, _ message: String) -> JSONValue {
        ServerMessage.error(CommandError(code, message)).json
    }

    /// The video size for a join: the requested size (default 1280×720), scaled down to
    /// fit 1920×1080 with its aspect kept, at least 16×16, the width rounded down to a
    /// multiple of 8 and the height to an even number: an I420 frame of that size has no
    /// row padding in GStreamer's layout (rows of a multiple of 4 bytes), so the renderer's
    /// tightly packed planes are exactly what `appsrc` expects.
    package static func videoSize(width: Int?, height: Int?) -> (width: Int, height: Int) {
        var w = Double(width ?? 1280)
        var h = Double(height ?? 720)
        let scale = min(1, 1920 / w, 1080 / h)
        w *= scale
        h *= scale
        return (max(16, Int(w.rounded(.down)) & ~7), max(16, Int(h.rounded(.down)) & ~1))
    }
}
