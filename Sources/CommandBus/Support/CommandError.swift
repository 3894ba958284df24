package import Foundation
import SceneLedger

/// The one error type of the CommandBus module.
///
/// Every command the bus refuses is answered with a `CommandError`: a stable
/// machine-readable `code` (the strings are part of the wire protocol and never change),
/// one sentence for people naming the field at fault, the id of the command it answers
/// when that id could be read, and the underlying cause where there is one.
package struct CommandError: Error, CustomStringConvertible, Sendable {
    /// A stable identifier for the kind of failure; the raw value is sent to clients.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(_ rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// The message is not valid JSON (including NaN or Infinity literals).
        package static let badJSON = Code("bad_json")
        /// The message is larger than `CommandLimits.maxMessageBytes`.
        package static let tooLarge = Code("too_large")
        /// The `type` field names no known command.
        package static let unknownType = Code("unknown_type")
        /// A required field is absent.
        package static let missingField = Code("missing_field")
        /// A field the command does not define is present.
        package static let unexpectedField = Code("unexpected_field")
        /// The fields of `data` contradict each other: the plan's form of a command mixed
        /// with the typed form (`position` with `positionX`).
        package static let invalidCommand = Code("invalid_command")
        /// A field has the wrong JSON type.
        package static let wrongType = Code("wrong_type")
        /// A value is outside its allowed range or set.
        package static let outOfRange = Code("out_of_range")
        /// A UUID or content hash is malformed.
        package static let invalidID = Code("invalid_id")
        /// The command names a device the scene does not have.
        package static let unknownDevice = Code("unknown_device")
        /// A device names an uploaded model (`{"asset": sha256}`) that is not stored.
        package static let unknownModel = Code("unknown_model")
        /// The scene named in a join does not exist.
        package static let unknownScene = Code("unknown_scene")
        /// The command names a connection the scene does not have.
        package static let unknownConnection = Code("unknown_connection")
        /// A connection would join a device to itself.
        package static let selfConnection = Code("self_connection")
        /// The connection already exists (same devices, either order, same kind), or its id is taken.
        package static let duplicateConnection = Code("duplicate_connection")
        /// A device with that id already exists.
        package static let duplicateDevice = Code("duplicate_device")
        /// The participant's role does not allow the command.
        package static let forbidden = Code("forbidden")
        /// No one is signed in on the connection: no token, or one that is not valid.
        package static let unauthenticated = Code("unauthenticated")
        /// The sender has not joined the scene.
        package static let notJoined = Code("not_joined")
        /// The scene changed underneath the command; it may be retried.
        package static let conflict = Code("conflict")
        /// The events could not be committed to the ledger.
        package static let commitFailed = Code("commit_failed")
        /// Another server took over the scene.
        package static let fenced = Code("fenced")
        /// A service the command needs is not available.
        package static let unavailable = Code("unavailable")
    }

    package var code: Code
    package var message: String
    /// The id of the command this error answers, when it could be extracted.
    package var ref: UUID?
    package var underlying: (any Error)?

    package init(_ code: Code, _ message: String, ref: UUID? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.ref = ref
        self.underlying = underlying
    }

    /// This error answering the command with id `ref`; an already known ref is kept.
    package func referring(to ref: UUID?) -> CommandError {
        var copy = self
        if copy.ref == nil { copy.ref = ref }
        return copy
    }

    package var description: String {
        if let underlying {
            return "\(code): \(message) (\(underlying))"
        }
        return "\(code): \(message)"
    }
}

extension CommandError {
    static func missing(_ path: String) -> CommandError {
        CommandError(.missingField, "field \"\(path)\" is required")
    }

    static func unexpected(_ path: String) -> CommandError {
        CommandError(.unexpectedField, "field \"\(path)\" is not allowed here")
    }

    static func wrongType(_ path: String, expected: String, got value: JSONValue) -> CommandError {
        CommandError(.wrongType, "field \"\(path)\" must be \(expected), not \(value.typeName)")
    }

    static func outOfRange(_ path: String, _ requirement: String) -> CommandError {
        CommandError(.outOfRange, "field \"\(path)\" must be \(requirement)")
    }
}
