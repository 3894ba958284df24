package import CommandBus
package import Foundation
package import SceneLedger

/// Every message a client sends, on the `/signal` WebSocket or on a data channel, decoded
/// in this one place (as postgres-nio keeps one backend-message decoder): the JSON is read
/// once, its `type` picks the kind, and each kind's fields are checked by its own reader.
///
/// - `join` (`JoinRequest`, CommandBus) and `replay:open` (`ReplayOpen`) open a session;
/// - `answer`, `ice` and `view` are signalling (`SignalMessage`), `bye` ends a session;
/// - `replay:*` controls a replay; Replay's `ReplayControl` reads its fields;
/// - anything else is a command, whose bytes go unchanged to the scene host's
///   `CommandDecoder` (it knows the sender's view size, which the plan's forms need).
///
/// `SignalFlow` decides what each one does in the session's state.
package enum ClientMessage: Sendable {
    case join(JoinRequest)
    case replayOpen(ReplayOpen)
    case signal(SignalMessage)
    case bye
    case replayControl(JSONValue)
    /// A JSON message of any other type: a command.
    case command
    /// Not JSON at all (or too large to read here): a command to the scene host, which
    /// answers `bad_json` or `too_large`; a replay refuses it.
    case unreadable

    /// A session opens with `join` or `replay:open`; after that, everything else.
    package enum Phase: Sendable, Equatable {
        case opening
        case session
    }

    /// Why a message was refused: with a command's error code, or (for `replay:open`) in
    /// replay's terms, answered as `replay:error` with `invalid_argument`.
    package enum Refusal: Error, Sendable {
        case command(CommandError)
        case replay(String)
    }

    /// `replay:open`: `{"type":"replay:open","session":"<uuid>","width":n?,"height":n?}`.
    package struct ReplayOpen: Sendable, Equatable {
        package var session: UUID
        package var width: Int?
        package var height: Int?

        package init(session: UUID, width: Int? = nil, height: Int? = nil) {
            self.session = session
            self.width = width
            self.height = height
        }
    }

    /// The largest message read here: a command's limit plus an SDP's.
    package static let maxBytes = CommandLimits.maxMessageBytes + SignalMessage.maxSDPBytes

    package static func decode(_ bytes: [UInt8], phase: Phase) -> Result<ClientMessage, Refusal> {
        let value = bytes.count <= maxBytes ? try? JSONValue.parse(bytes) : nil
        let fields = value?.objectValue
        let type = fields?["type"]?.stringValue
        switch phase {
        case .opening:
            if type == "replay:open", let fields { return replayOpen(fields).map(ClientMessage.replayOpen) }
            // The join's own reader names what is wrong, not JSON included.
            return JoinRequest.decode(bytes).map(ClientMessage.join).mapError(Refusal.command)
        case .session:
            guard let value else { return .success(.unreadable) }
            guard let fields, let type else { return .success(.command) }
            switch type {
            // As before video: a bye is any object with "type":"bye" under 64 bytes.
            case "bye": return .success(bytes.count < 64 ? .bye : .command)
            case "answer", "ice", "view":
                return SignalMessage.decode(type: type, fields).map(ClientMessage.signal).mapError(Refusal.command)
            default:
                return .success(type.hasPrefix("replay:") ? .replayControl(value) : .command)
            }
        }
    }

    private static func replayOpen(_ fields: [String: JSONValue]) -> Result<ReplayOpen, Refusal> {
        if let extra = fields.keys.sorted().first(where: { !["type", "session", "width", "height"].contains($0) }) {
            return .failure(.replay("replay:open takes no field \"\(extra)\""))
        }
        guard let text = fields["session"]?.stringValue, let session = UUID(uuidString: text) else {
            return .failure(.replay("replay:open needs \"session\": the session's id (a UUID)"))
        }
        var size: [Int?] = []
        for key in ["width", "height"] {
            guard let field = fields[key] else {
                size.append(nil)
                continue
            }
            guard let d = field.doubleValue, d.rounded() == d, (16...4096).contains(d) else {
                return .failure(.replay("replay:open: \"\(key)\" must be a whole number from 16 to 4096"))
            }
            size.append(Int(d))
        }
        return .success(ReplayOpen(session: session, width: size[0], height: size[1]))
    }
}
