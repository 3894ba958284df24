package import CommandBus
package import SceneLedger

/// The WebRTC messages of `/signal`, as the WebSocket carries them.
///
/// Client to server: `{"type":"answer","sdp":"..."}`,
/// `{"type":"ice","candidate":"candidate:...","sdpMLineIndex":0}` (optionally `sdpMid`
/// and `usernameFragment`; an empty `candidate` ends gathering) and `{"type":"bye"}`.
/// `{"type":"view","follow":false}` detaches an observer's video from the driver's view
/// (its own camera, its own render and encode); `"follow":true` follows the driver again.
/// Server to client: `{"type":"offer","sdp":"..."}`, `ice` in the same shape, and
/// `{"type":"view","follow":bool,"camera":"<participant>"}` after a `view`.
package enum SignalMessage: Sendable, Equatable {
    case answer(sdp: String)
    case ice(candidate: String, mline: Int)
    case view(follow: Bool)
    /// The session ends (the peer closes).
    case bye

    /// The largest SDP accepted from a client.
    package static let maxSDPBytes = 64 * 1024

    /// The fields of an `answer`, `ice` or `view` message; `ClientMessage` reads the JSON
    /// and its type. A malformed one gets a structured error.
    static func decode(type: String, _ fields: [String: JSONValue]) -> Result<SignalMessage, CommandError> {
        switch type {
        case "answer": answer(fields)
        case "ice": ice(fields)
        default: view(fields)
        }
    }

    private static func answer(_ fields: [String: JSONValue]) -> Result<SignalMessage, CommandError> {
        if let extra = fields.keys.sorted().first(where: { !["type", "sdp"].contains($0) }) {
            return .failure(CommandError(.unexpectedField, "field \"\(extra)\" is not part of an answer message"))
        }
        guard let sdpValue = fields["sdp"] else {
            return .failure(CommandError(.missingField, "field \"sdp\" is required: the answer's session description"))
        }
        guard let sdp = sdpValue.stringValue else {
            return .failure(CommandError(.wrongType, "field \"sdp\" must be a string"))
        }
        guard sdp.hasPrefix("v=0"), sdp.utf8.count <= maxSDPBytes else {
            return .failure(CommandError(.outOfRange, "field \"sdp\" must be a session description starting with v=0, at most \(maxSDPBytes) bytes"))
        }
        return .success(.answer(sdp: sdp))
    }

    private static func ice(_ fields: [String: JSONValue]) -> Result<SignalMessage, CommandError> {
        let allowed: Set<String> = ["type", "candidate", "sdpMLineIndex", "sdpMid", "usernameFragment"]
        if let extra = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            return .failure(CommandError(.unexpectedField, "field \"\(extra)\" is not part of an ice message"))
        }
        guard let candidateValue = fields["candidate"] else {
            return .failure(CommandError(.missingField, "field \"candidate\" is required"))
        }
        guard let candidate = candidateValue.stringValue else {
            return .failure(CommandError(.wrongType, "field \"candidate\" must be a string"))
        }
        guard candidate.isEmpty || (candidate.hasPrefix("candidate:") && candidate.utf8.count <= 1024) else {
            return .failure(CommandError(.outOfRange, "field \"candidate\" must start with \"candidate:\" (at most 1024 bytes), or be empty"))
        }
        var mline = 0
        if let value = fields["sdpMLineIndex"] {
            guard let number = value.doubleValue, number == number.rounded() else {
                return .failure(CommandError(.wrongType, "field \"sdpMLineIndex\" must be a whole number"))
            }
            guard (0...15).contains(number) else {
                return .failure(CommandError(.outOfRange, "field \"sdpMLineIndex\" must be from 0 to 15"))
            }
            mline = Int(number)
        }
        return .success(.ice(candidate: candidate, mline: mline))
    }

    private static func view(_ fields: [String: JSONValue]) -> Result<SignalMessage, CommandError> {
        if let extra = fields.keys.sorted().first(where: { !["type", "follow"].contains($0) }) {
            return .failure(CommandError(.unexpectedField, "field \"\(extra)\" is not part of a view message"))
        }
        guard let value = fields["follow"] else {
            return .failure(CommandError(.missingField, "field \"follow\" is required: true follows the driver, false shows your own camera"))
        }
        guard case .bool(let follow) = value else {
            return .failure(CommandError(.wrongType, "field \"follow\" must be true or false"))
        }
        return .success(.view(follow: follow))
    }

    /// `{"type":"view","follow":...,"camera":...}`: whose camera the video shows now.
    package static func viewState(follow: Bool, camera: String) -> JSONValue {
        ["type": "view", "follow": .bool(follow), "camera": .string(camera)]
    }

    /// `{"type":"offer","sdp":...}`
    package static func offer(_ sdp: String) -> JSONValue {
        ["type": "offer", "sdp": .string(sdp)]
    }

    /// `{"type":"ice","candidate":...,"sdpMLineIndex":n}`
    package static func candidate(_ candidate: String, mline: Int) -> JSONValue {
        ["type": "ice", "candidate": .string(candidate), "sdpMLineIndex": .number(Double(mline))]
    }
}
