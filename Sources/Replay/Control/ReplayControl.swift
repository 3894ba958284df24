package import SceneLedger

/// One replay control message from a client (`replay:seek`, `replay:play`, `replay:pause`,
/// `replay:step`, `replay:speed`), decoded strictly from its JSON object. Pure.
package enum ReplayControl: Sendable, Equatable {
    /// `{"type":"replay:seek","at":TIME}`: TIME as `scenecast replay --at` takes it.
    case seek(at: String)
    /// `{"type":"replay:play"}`, optionally with `"speed"` (0.25 to 8).
    case play(speed: Double?)
    /// `{"type":"replay:pause"}`.
    case pause
    /// `{"type":"replay:step","direction":1|-1}`.
    case step(forward: Bool)
    /// `{"type":"replay:speed","speed":S}` (0.25 to 8).
    case speed(Double)

    /// Whether a message `type` names a replay control message.
    package static func isControl(type: String) -> Bool { type.hasPrefix("replay:") }

    /// Decodes a control message; an unknown type, a missing or extra field, or a value of
    /// the wrong type or out of range is an `invalid_argument` error naming it.
    package static func decode(_ message: JSONValue) throws(ReplayError) -> ReplayControl {
        guard let fields = message.objectValue else {
            throw ReplayError(.invalidArgument, "A replay control message must be a JSON object, not \(message.typeName)")
        }
        guard let type = fields["type"]?.stringValue else {
            throw ReplayError(.invalidArgument, "A replay control message needs a string \"type\"")
        }
        switch type {
        case "replay:seek":
            try only(["type", "at"], in: fields, type: type)
            guard let at = fields["at"]?.stringValue else {
                throw ReplayError(.invalidArgument, "replay:seek needs \"at\": a time such as \"90s\", \"v123\" or an ISO-8601 instant")
            }
            return .seek(at: at)
        case "replay:play":
            try only(["type", "speed"], in: fields, type: type)
            guard let value = fields["speed"] else { return .play(speed: nil) }
            return .play(speed: try speed(value, type: type))
        case "replay:pause":
            try only(["type"], in: fields, type: type)
            return .pause
        case "replay:step":
            try only(["type", "direction"], in: fields, type: type)
            switch fields["direction"]?.doubleValue {
            case 1: return .step(forward: true)
            case -1: return .step(forward: false)
            default: throw ReplayError(.invalidArgument, "replay:step needs \"direction\": 1 (forward) or -1 (back)")
            }
        case "replay:speed":
            try only(["type", "speed"], in: fields, type: type)
            guard let value = fields["speed"] else {
                throw ReplayError(.invalidArgument, "replay:speed needs \"speed\": a number from 0.25 to 8")
            }
            return .speed(try speed(value, type: type))
        default:
            throw ReplayError(
                .invalidArgument,
                "\"\(type)\" is not a replay control message: use replay:seek, replay:play, replay:pause, replay:step or replay:speed")
        }
    }

    private static func only(_ allowed: Set<String>, in fields: [String: JSONValue], type: String) throws(ReplayError) {
        if let extra = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw ReplayError(.invalidArgument, "\(type) takes no field \"\(extra)\"")
        }
    }

    private static func speed(_ value: JSONValue, type: String) throws(ReplayError) -> Double {
        guard let speed = value.doubleValue, ReplayCursor.speeds.contains(speed) else {
            throw ReplayError(.invalidArgument, "\(type): \"speed\" must be a number from 0.25 to 8")
        }
        return speed
    }
}
