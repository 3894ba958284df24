import Foundation

/// The two row formats of an audit export. Both carry the same fields in the same order,
/// one row per line; see docs/audit.md.
package enum AuditFormat: String, Sendable, CaseIterable {
    case jsonl
    case csv

    /// The CSV header line (without its newline).
    static let csvHeader =
        "position,scene,version,session,actor,command,command_seq,type,schema_version,payload,client_time_ms,recorded_at,recorded_at_us,prev_hash,hash"

    /// Appends one row and its newline.
    package func append(_ event: RecordedEvent, to out: inout [UInt8]) {
        switch self {
        case .jsonl: AuditFormat.appendJSONL(event, to: &out)
        case .csv: AuditFormat.appendCSV(event, to: &out)
        }
    }

    /// What the file starts with (the CSV header).
    package var preamble: [UInt8] {
        switch self {
        case .jsonl: []
        case .csv: Array((AuditFormat.csvHeader + "\n").utf8)
        }
    }

    static func appendJSONL(_ e: RecordedEvent, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"position":"#.utf8)
        appendInt(e.position, to: &out)
        out.append(contentsOf: #","scene":""#.utf8)
        appendUUID(e.sceneID, to: &out)
        out.append(contentsOf: #"","version":"#.utf8)
        appendInt(e.version, to: &out)
        out.append(contentsOf: #","session":""#.utf8)
        appendUUID(e.sessionID, to: &out)
        out.append(contentsOf: #"","actor":""#.utf8)
        appendUUID(e.actorID, to: &out)
        out.append(contentsOf: #"","command":""#.utf8)
        appendUUID(e.commandID, to: &out)
        out.append(contentsOf: #"","command_seq":"#.utf8)
        appendInt(Int64(e.commandSeq), to: &out)
        out.append(contentsOf: #","type":"#.utf8)
        appendJSONString(e.type, to: &out)
        out.append(contentsOf: #","schema_version":"#.utf8)
        appendInt(Int64(e.schemaVersion), to: &out)
        out.append(contentsOf: #","payload":"#.utf8)
        out.append(contentsOf: e.payload)
        out.append(contentsOf: #","client_time_ms":"#.utf8)
        appendInt(e.clientTimeMillis, to: &out)
        out.append(contentsOf: #","recorded_at":""#.utf8)
        AuditTime.appendISO(e.recordedAtMicros, to: &out)
        out.append(contentsOf: #"","recorded_at_us":"#.utf8)
        appendInt(e.recordedAtMicros, to: &out)
        out.append(contentsOf: #","prev_hash":""#.utf8)
        appendHex(e.prevHash, to: &out)
        out.append(contentsOf: #"","hash":""#.utf8)
        appendHex(e.hash, to: &out)
        out.append(contentsOf: "\"}\n".utf8)
    }

    static func appendCSV(_ e: RecordedEvent, to out: inout [UInt8]) {
        let comma = UInt8(ascii: ",")
        appendInt(e.position, to: &out)
        out.append(comma)
        appendUUID(e.sceneID, to: &out)
        out.append(comma)
        appendInt(e.version, to: &out)
        out.append(comma)
        appendUUID(e.sessionID, to: &out)
        out.append(comma)
        appendUUID(e.actorID, to: &out)
        out.append(comma)
        appendUUID(e.commandID, to: &out)
        out.append(comma)
        appendInt(Int64(e.commandSeq), to: &out)
        out.append(comma)
        appendCSVField(Array(e.type.utf8), to: &out)
        out.append(comma)
        appendInt(Int64(e.schemaVersion), to: &out)
        out.append(comma)
        appendCSVField(e.payload, to: &out)
        out.append(comma)
        appendInt(e.clientTimeMillis, to: &out)
        out.append(comma)
        AuditTime.appendISO(e.recordedAtMicros, to: &out)
        out.append(comma)
        appendInt(e.recordedAtMicros, to: &out)
        out.append(comma)
        appendHex(e.prevHash, to: &out)
        out.append(comma)
        appendHex(e.hash, to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    // MARK: - Pieces

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendInt(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
        }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    static func appendHex(_ bytes: [UInt8], to out: inout [UInt8]) {
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0F)])
        }
    }

    /// Lowercase 8-4-4-4-12.
    static func appendUUID(_ id: UUID, to out: inout [UInt8]) {
        withUnsafeBytes(of: id.uuid) { raw in
            for (i, b) in raw.enumerated() {
                if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0x0F)])
            }
        }
    }

    /// A JSON string with the canonical escapes (`"`, `\` and control characters).
    static func appendJSONString(_ s: String, to out: inout [UInt8]) {
        JSONValue.writeString(s, into: &out)
    }

    /// RFC 4180: quoted (quotes doubled) when it holds a comma, quote, CR or LF.
    static func appendCSVField(_ bytes: [UInt8], to out: inout [UInt8]) {
        let special = bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard special else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }
}
