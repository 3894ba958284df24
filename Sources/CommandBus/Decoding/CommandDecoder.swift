package import Foundation
import SceneLedger

/// Decodes client messages strictly into `ClientCommand`s. Pure: bytes in, a command or
/// a `CommandError` out.
///
/// A message is `{"id":"<uuid>","type":"...","timestamp":<ms>,"data":{...}}`: `type`,
/// `timestamp` and `data` required, `id` optional. A message without `id` (the plan's
/// `InputCommand` has none) gets one from `makeID`: it is answered and recorded under that
/// id, but a retry of it is a new command, so only a message with its own `id` is
/// idempotent. Checks run in a fixed order, so every malformed message gets one
/// predictable error:
/// 1. size (`too_large`, before parsing), then JSON syntax (`bad_json`; a number that
///    overflows a Double is `out_of_range`);
/// 2. the top-level fields: missing, then unexpected;
/// 3. `id`, then `type` (`unknown_type` wins over any problem in `data`), then `timestamp`;
/// 4. `data`: the plan's forms mixed with the typed ones (`invalid_command`), then
///    unexpected fields, then each field in the order the command defines.
///
/// The plan's shapes of `camera:orbit`, `device:click`, `device:drag` and
/// `connection:create` are aliases, converted here into the typed command
/// (`CommandDecoder+PlanAliases.swift`); `view` is the sender's view size, which the
/// plan's pixel coordinates refer to.
///
/// Every error after step 1 carries `ref` when `id` is a canonical UUID string.
package enum CommandDecoder {
    static let envelopeFields: [String] = ["id", "type", "timestamp", "data"]
    static let requiredEnvelopeFields: [String] = ["type", "timestamp", "data"]

    package static func decode(
        _ bytes: [UInt8], view: ViewSize = .standard, makeID: () -> UUID = UUID.init
    ) -> Result<ClientCommand, CommandError> {
        Result { () throws(CommandError) in try decodeOrThrow(bytes, view: view, makeID: makeID) }
    }

    package static func decodeOrThrow(
        _ bytes: [UInt8], view: ViewSize = .standard, makeID: () -> UUID = UUID.init
    ) throws(CommandError) -> ClientCommand {
        guard bytes.count <= CommandLimits.maxMessageBytes else {
            throw CommandError(
                .tooLarge, "the message is \(bytes.count) bytes; the limit is \(CommandLimits.maxMessageBytes) bytes")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes)
        } catch {
            if error.reason == .numberOutOfRange {
                throw CommandError(.outOfRange, "the message holds a number too large for a double: \(error)", underlying: error)
            }
            throw CommandError(.badJSON, "the message is not valid JSON: \(error)", underlying: error)
        }
        guard case .object(let top) = document else {
            throw CommandError(.wrongType, "the message must be a JSON object, not \(document.typeName)")
        }
        let ref = top["id"]?.stringValue.flatMap(WireUUID.parse)
        do {
            return try decodeEnvelope(top, view: view, makeID: makeID)
        } catch {
            throw error.referring(to: ref)
        }
    }

    private static func decodeEnvelope(
        _ top: [String: JSONValue], view: ViewSize, makeID: () -> UUID
    ) throws(CommandError) -> ClientCommand {
        for key in requiredEnvelopeFields where top[key] == nil {
            throw .missing(key)
        }
        for key in top.keys.sorted() where !envelopeFields.contains(key) {
            throw .unexpected(key)
        }
        let id: UUID
        if let given = top["id"] { id = try uuid(given, path: "id") } else { id = makeID() }
        guard case .string(let typeName) = top["type"]! else {
            throw .wrongType("type", expected: "a string", got: top["type"]!)
        }
        guard let type = CommandType(rawValue: typeName) else {
            throw CommandError(.unknownType, "field \"type\" names no known command: \(quoted(typeName))")
        }
        let timestamp = try timestamp(top["timestamp"]!)
        let data = try FieldReader(top["data"]!, path: "data")
        let body = try decodeBody(type, data, view: view)
        return ClientCommand(id: id, timestampMillis: timestamp, body: body)
    }

    private static func uuid(_ value: JSONValue, path: String) throws(CommandError) -> UUID {
        guard case .string(let s) = value else { throw .wrongType(path, expected: "a UUID string", got: value) }
        guard let id = WireUUID.parse(s) else {
            throw CommandError(.invalidID, "field \"\(path)\" must be a UUID in canonical form")
        }
        return id
    }

    private static func timestamp(_ value: JSONValue) throws(CommandError) -> Int64 {
        let range = CommandLimits.timestampRange
        guard case .number(let d) = value, d == d.rounded(.towardZero) else {
            throw .wrongType("timestamp", expected: "an integer (milliseconds since the Unix epoch)", got: value)
        }
        guard d >= Double(range.lowerBound), d <= Double(range.upperBound) else {
            throw .outOfRange("timestamp", "an integer between 0 and 2^53 - 1")
        }
        return Int64(d)
    }

    /// A type name for an error message: quoted and cut short.
    private static func quoted(_ s: String) -> String {
        let short = s.count > 64 ? String(s.prefix(64)) + "…" : s
        var out: [UInt8] = []
        JSONValue.writeString(short, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func decodeBody(_ type: CommandType, _ data: FieldReader, view: ViewSize) throws(CommandError) -> Command {
        switch type {
        case .cameraOrbit: try cameraOrbit(data)
        case .cameraPan: try cameraPan(data)
        case .cameraZoom: try cameraZoom(data)
        case .cameraSet: try cameraSet(data)
        case .pointerMove: try pointerMove(data)
        case .deviceClick: try deviceClick(data, view: view)
        case .deviceSelect: try deviceSelect(data)
        case .deviceDrag: try deviceDrag(data)
        case .deviceAdd: try deviceAdd(data)
        case .deviceRemove: try deviceRemove(data)
        case .deviceUpdate: try deviceUpdate(data)
        case .connectionCreate: try connectionCreate(data)
        case .connectionRemove: try connectionRemove(data)
        case .latencyProbe: try latencyProbe(data)
        }
    }

    private static func latencyProbe(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(["probeId"])
        let probe = try data.string("probeId")
        let limits = CommandLimits.probeIDLength
        guard limits.contains(probe.count) else {
            throw .outOfRange(data.path(of: "probeId"), "between \(limits.lowerBound) and \(limits.upperBound) characters long")
        }
        return .latencyProbe(probe)
    }
}
