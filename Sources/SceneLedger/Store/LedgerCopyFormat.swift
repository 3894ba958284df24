/// Events as rows of PostgreSQL's binary COPY format.
package enum LedgerCopyFormat {
    package static func copyStatement(table: String) -> String {
        """
        COPY \(table) (position, scene_id, version, session_id, actor_id, command_id, command_seq, type,
                     schema_version, payload, client_time_ms, recorded_at, prev_hash, hash)
        FROM STDIN (FORMAT binary)
        """
    }

    package static func appendRow(_ e: RecordedEvent, to out: inout [UInt8]) {
        PGBinary.appendInt16(14, to: &out)
        PGBinary.field(int64: e.position, to: &out)
        PGBinary.field(uuid: e.sceneID, to: &out)
        PGBinary.field(int64: e.version, to: &out)
        PGBinary.field(uuid: e.sessionID, to: &out)
        PGBinary.field(uuid: e.actorID, to: &out)
        PGBinary.field(uuid: e.commandID, to: &out)
        PGBinary.field(int16: e.commandSeq, to: &out)
        PGBinary.field(text: e.type, to: &out)
        PGBinary.field(int16: e.schemaVersion, to: &out)
        PGBinary.field(bytes: e.payload, to: &out)  // json's binary form is its text
        PGBinary.field(int64: e.clientTimeMillis, to: &out)
        PGBinary.field(timestampMicros: e.recordedAtMicros, to: &out)
        PGBinary.field(bytes: e.prevHash, to: &out)
        PGBinary.field(bytes: e.hash, to: &out)
    }
}
