import Crypto
package import Foundation

/// The hash chain.
///
/// `hash = SHA-256(prev_hash ‖ canonical envelope bytes)`, with `prev_hash` of a scene's
/// first event 32 zero bytes. The canonical envelope is a fixed binary layout, all
/// integers big-endian (documented in docs/ledger.md so that exports verify offline):
///
///     "SCNE1"                    5 bytes, domain separator and layout version
///     scene_id                   16 bytes
///     version                    int64
///     session_id                 16 bytes
///     actor_id                   16 bytes
///     command_id                 16 bytes
///     command_seq                int16
///     type                       int32 length ‖ UTF-8
///     schema_version             int16
///     client_time_ms             int64
///     recorded_at (µs, Unix)     int64
///     payload                    int32 length ‖ canonical JSON bytes
///
/// The global position is not hashed: it is assigned by the database at commit.
package enum EventHash {
    package static let genesis: [UInt8] = Array(repeating: 0, count: 32)
    static let domain: [UInt8] = Array("SCNE1".utf8)

    package static func canonicalEnvelope(
        sceneID: UUID, version: Int64, sessionID: UUID, actorID: UUID, commandID: UUID, commandSeq: Int16,
        type: String, schemaVersion: Int16, clientTimeMillis: Int64, recordedAtMicros: Int64, payload: [UInt8]
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + type.utf8.count + payload.count)
        out.append(contentsOf: domain)
        appendUUID(sceneID, to: &out)
        PGBinary.appendInt64(version, to: &out)
        appendUUID(sessionID, to: &out)
        appendUUID(actorID, to: &out)
        appendUUID(commandID, to: &out)
        PGBinary.appendInt16(commandSeq, to: &out)
        PGBinary.appendInt32(Int32(type.utf8.count), to: &out)
        out.append(contentsOf: type.utf8)
        PGBinary.appendInt16(schemaVersion, to: &out)
        PGBinary.appendInt64(clientTimeMillis, to: &out)
        PGBinary.appendInt64(recordedAtMicros, to: &out)
        PGBinary.appendInt32(Int32(payload.count), to: &out)
        out.append(contentsOf: payload)
        return out
    }

    package static func hash(prev: [UInt8], envelope: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: prev)
        hasher.update(data: envelope)
        return Array(hasher.finalize())
    }

    @inline(__always)
    static func appendUUID(_ id: UUID, to out: inout [UInt8]) {
        withUnsafeBytes(of: id.uuid) { out.append(contentsOf: $0) }
    }
}

extension RecordedEvent {
    /// The canonical envelope bytes this event's hash covers.
    package var canonicalEnvelope: [UInt8] {
        EventHash.canonicalEnvelope(
            sceneID: sceneID, version: version, sessionID: sessionID, actorID: actorID, commandID: commandID,
            commandSeq: commandSeq, type: type, schemaVersion: schemaVersion, clientTimeMillis: clientTimeMillis,
            recordedAtMicros: recordedAtMicros, payload: payload
        )
    }

    /// Recomputes the hash from the stored fields and `prevHash`.
    package var computedHash: [UInt8] {
        EventHash.hash(prev: prevHash, envelope: canonicalEnvelope)
    }
}
