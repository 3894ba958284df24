package import Foundation
package import SceneLedger

/// The first message on `/signal`:
/// `{"type":"join","scene":"<uuid>|demo","role":"driver|observer","name":"...","actor":"<uuid>"?,"email":"..."?,"media":"none|video"?,"width":n?,"height":n?,"codecs":["H264","VP8"]?}`.
package struct JoinRequest: Sendable, Equatable {
    package enum SceneRef: Sendable, Equatable {
        case id(UUID)
        case demo
    }

    package var scene: SceneRef
    package var role: Role
    package var name: String
    /// The client's pseudonymous actor id, kept across visits; a new one when absent.
    package var actor: UUID?
    /// The person's email address for the audit identity (`actors`), when given; erasable.
    package var email: EmailAddress?
    package var media: String
    package var width: Int?
    package var height: Int?
    /// The video codecs the client decodes (RTP encoding names); empty: not said.
    package var codecs: [String] = []

    static let allowed: Set<String> = ["type", "scene", "role", "name", "actor", "email", "media", "width", "height", "codecs"]
    /// At most this many codec names, each at most `maxCodecName` characters.
    static let maxCodecs = 32
    static let maxCodecName = 64

    /// Strict decoding, with the same error codes as commands.
    package static func decode(_ bytes: [UInt8]) -> Result<JoinRequest, CommandError> {
        guard bytes.count <= CommandLimits.maxMessageBytes else {
            return .failure(CommandError(.tooLarge, "the message is \(bytes.count) bytes; the limit is \(CommandLimits.maxMessageBytes)"))
        }
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch {
            return .failure(CommandError(.badJSON, "the message is not valid JSON: \(error)"))
        }
        guard let fields = value.objectValue else {
            return .failure(CommandError(.wrongType, "the message must be a JSON object"))
        }
        guard fields["type"]?.stringValue == "join" else {
            return .failure(CommandError(.notJoined, "send {\"type\":\"join\",...} before anything else"))
        }
        if let extra = fields.keys.sorted().first(where: { !allowed.contains($0) }) {
            return .failure(CommandError(.unexpectedField, "field \"\(extra)\" is not part of a join message"))
        }
        guard let sceneValue = fields["scene"] else {
            return .failure(CommandError(.missingField, "field \"scene\" is required: a scene id or \"demo\""))
        }
        guard let sceneText = sceneValue.stringValue else {
            return .failure(CommandError(.wrongType, "field \"scene\" must be a string: a scene id or \"demo\""))
        }
        let scene: SceneRef
        if sceneText == "demo" {
            scene = .demo
        } else if let id = WireUUID.parse(sceneText) {
            scene = .id(id)
        } else {
            return .failure(CommandError(.invalidID, "field \"scene\" must be a scene id (a UUID) or \"demo\""))
        }
        guard let roleValue = fields["role"] else {
            return .failure(CommandError(.missingField, "field \"role\" is required: \"driver\" or \"observer\""))
        }
        guard let roleText = roleValue.stringValue, let role = Role(rawValue: roleText) else {
            return .failure(CommandError(.outOfRange, "field \"role\" must be \"driver\" or \"observer\""))
        }
        for key in ["name", "media", "email"] where fields[key] != nil && fields[key]?.stringValue == nil {
            return .failure(CommandError(.wrongType, "field \"\(key)\" must be a string"))
        }
        let name = fields["name"]?.stringValue ?? ""
        guard name.count <= CommandLimits.nameLength.upperBound,
            !name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        else {
            return .failure(CommandError(.outOfRange, "field \"name\" must be at most \(CommandLimits.nameLength.upperBound) characters without control characters"))
        }
        var actor: UUID?
        if let actorValue = fields["actor"] {
            guard let text = actorValue.stringValue, let id = WireUUID.parse(text) else {
                return .failure(CommandError(.invalidID, "field \"actor\" must be a UUID"))
            }
            actor = id
        }
        // An empty email is the same as none (a form left blank); anything else must be plausible.
        var email: EmailAddress?
        if let text = fields["email"]?.stringValue, !text.isEmpty {
            guard let address = EmailAddress(text) else {
                return .failure(
                    CommandError(
                        .outOfRange,
                        "field \"email\" must be an address such as name@example.com, at most \(EmailAddress.maxLength) characters"))
            }
            email = address
        }
        let media = fields["media"]?.stringValue ?? "none"
        guard media == "none" || media == "video" else {
            return .failure(CommandError(.outOfRange, "field \"media\" must be \"none\" or \"video\""))
        }
        func dimension(_ key: String) -> Result<Int?, CommandError> {
            guard let v = fields[key] else { return .success(nil) }
            guard let d = v.doubleValue, d == d.rounded(), (16...4096).contains(d) else {
                return .failure(CommandError(.outOfRange, "field \"\(key)\" must be a whole number of pixels from 16 to 4096"))
            }
            return .success(Int(d))
        }
        let width: Int?
        let height: Int?
        switch (dimension("width"), dimension("height")) {
        case (.success(let w), .success(let h)):
            width = w
            height = h
        case (.failure(let e), _), (_, .failure(let e)):
            return .failure(e)
        }
        var codecs: [String] = []
        if let value = fields["codecs"] {
            guard case .array(let items) = value, items.count <= maxCodecs,
                let names = Optional(items.compactMap(\.stringValue)), names.count == items.count,
                names.allSatisfy({ !$0.isEmpty && $0.count <= maxCodecName })
            else {
                return .failure(CommandError(.wrongType, "field \"codecs\" must be a list of at most \(maxCodecs) codec names such as [\"H264\",\"VP8\"]"))
            }
            codecs = names
        }
        var request = JoinRequest(
            scene: scene, role: role, name: name, actor: actor, email: email, media: media, width: width, height: height)
        request.codecs = codecs
        return .success(request)
    }
}
