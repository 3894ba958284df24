import Foundation

/// Reads one row of an audit export back into the event it records. Strict: the fields
/// must come in the exact order and form `AuditFormat` writes, so that any edit either
/// fails to parse or changes a hashed field. Pure and allocation-light, for offline
/// verification at hundreds of thousands of rows a second.
package struct AuditRowParser {
    package let format: AuditFormat

    package init(format: AuditFormat) { self.format = format }

    /// Parses one line (without its newline); nil when it is not a well-formed row.
    package func parse(_ line: UnsafeBufferPointer<UInt8>) -> RecordedEvent? {
        var scanner = Scanner(bytes: line)
        switch format {
        case .jsonl: return scanner.jsonl()
        case .csv: return scanner.csv()
        }
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        mutating func literal(_ text: StaticString) -> Bool {
            let n = text.utf8CodeUnitCount
            guard i + n <= bytes.count else { return false }
            let p = text.utf8Start
            for k in 0..<n where bytes[i + k] != p[k] { return false }
            i += n
            return true
        }

        mutating func byte(_ c: UInt8) -> Bool {
            guard i < bytes.count, bytes[i] == c else { return false }
            i += 1
            return true
        }

        /// A decimal integer, as `AuditFormat.appendInt` writes it (no leading zeros or plus).
        mutating func int() -> Int64? {
            var negative = false
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") {
                negative = true
                i += 1
            }
            let start = i
            var value: Int64 = 0
            while i < bytes.count, (48...57).contains(bytes[i]) {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(bytes[i] - 48))
                guard !o1, !o2 else { return nil }
                value = s
                i += 1
            }
            let count = i - start
            guard count > 0, count == 1 || bytes[start] != 48 else { return nil }
            return negative ? -value : value
        }

        static func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            default: nil
            }
        }

        /// Lowercase 8-4-4-4-12.
        mutating func uuid() -> UUID? {
            guard i + 36 <= bytes.count else { return nil }
            var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let ok = withUnsafeMutableBytes(of: &raw) { out -> Bool in
                var o = 0
                var k = i
                while o < 16 {
                    if o == 4 || o == 6 || o == 8 || o == 10 {
                        guard bytes[k] == UInt8(ascii: "-") else { return false }
                        k += 1
                    }
                    guard let h = Scanner.nibble(bytes[k]), let l = Scanner.nibble(bytes[k + 1]) else { return false }
                    out[o] = h << 4 | l
                    o += 1
                    k += 2
                }
                return true
            }
            guard ok else { return nil }
            i += 36
            return UUID(uuid: raw)
        }

        /// 64 lowercase hex digits.
        mutating func hash() -> [UInt8]? {
            guard i + 64 <= bytes.count else { return nil }
            let start = i
            var valid = true
            let out = [UInt8](unsafeUninitializedCapacity: 32) { buffer, count in
                for k in 0..<32 {
                    let h = Scanner.nibble(bytes[start + 2 * k])
                    let l = Scanner.nibble(bytes[start + 2 * k + 1])
                    valid = valid && h != nil && l != nil
                    buffer[k] = (h ?? 0) << 4 | (l ?? 0)
                }
                count = 32
            }
            guard valid else { return nil }
            i += 64
            return out
        }

        /// A JSON string (opening quote at the cursor), unescaped.
        mutating func jsonString() -> String? {
            guard byte(UInt8(ascii: "\"")) else { return nil }
            let start = i
            while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") { i += 1 }
            if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
                defer { i += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            }
            // Escapes: fall back to the JSON parser on the whole string.
            i = start - 1
            var end = start
            while end < bytes.count {
                if bytes[end] == UInt8(ascii: "\\") { end += 2; continue }
                if bytes[end] == UInt8(ascii: "\"") { break }
                end += 1
            }
            guard end < bytes.count, case .string(let s)? = try? JSONValue.parse(Array(bytes[i...end])) else { return nil }
            i = end + 1
            return s
        }

        /// The exact bytes of one JSON object or array (strings respected), for the payload.
        mutating func jsonValueBytes() -> [UInt8]? {
            let start = i
            var depth = 0
            var inString = false
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                if inString {
                    if c == UInt8(ascii: "\\") { i += 1 } else if c == UInt8(ascii: "\"") { inString = false }
                    continue
                }
                switch c {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return Array(UnsafeBufferPointer(rebasing: bytes[start..<i])) }
                default:
                    if depth == 0 { return nil }
                }
            }
            return nil
        }

        /// The ISO time must spell exactly `recorded_at_us`; checked after both are read.
        mutating func isoSlice() -> Range<Int>? {
            let start = i
            while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: ",") { i += 1 }
            return start..<i
        }

        /// True when the ISO text is the one form `AuditTime.appendISO` writes for `micros`
        /// (27 bytes, six decimals, `Z`), read back without allocating.
        func isoMatches(_ range: Range<Int>, _ micros: Int64) -> Bool {
            guard range.count == 27, bytes[range.upperBound - 1] == UInt8(ascii: "Z"), bytes[range.lowerBound + 19] == UInt8(ascii: ".")
            else { return false }
            return AuditTime.parseISO(bytes: UnsafeBufferPointer(rebasing: bytes[range])) == micros
        }

        mutating func jsonl() -> RecordedEvent? {
            guard literal(#"{"position":"#), let position = int(),
                literal(#","scene":""#), let scene = uuid(),
                literal(#"","version":"#), let version = int(),
                literal(#","session":""#), let session = uuid(),
                literal(#"","actor":""#), let actor = uuid(),
                literal(#"","command":""#), let command = uuid(),
                literal(#"","command_seq":"#), let seq = int(), let seq16 = Int16(exactly: seq),
                literal(#","type":"#), let type = jsonString(),
                literal(#","schema_version":"#), let sv = int(), let sv16 = Int16(exactly: sv),
                literal(#","payload":"#), let payload = jsonValueBytes(),
                literal(#","client_time_ms":"#), let client = int(),
                literal(#","recorded_at":""#), let iso = isoSlice(),
                literal(#"","recorded_at_us":"#), let recorded = int(), isoMatches(iso, recorded),
                literal(#","prev_hash":""#), let prev = hash(),
                literal(#"","hash":""#), let hash = hash(),
                literal("\"}"), i == bytes.count
            else { return nil }
            return RecordedEvent(
                position: position, sceneID: scene, version: version, sessionID: session, actorID: actor, commandID: command,
                commandSeq: seq16, type: type, schemaVersion: sv16, payload: payload, clientTimeMillis: client,
                recordedAtMicros: recorded, prevHash: prev, hash: hash
            )
        }

        /// One CSV field: quoted (quotes doubled) or plain up to the next comma.
        mutating func csvField() -> [UInt8]? {
            if byte(UInt8(ascii: "\"")) {
                var out: [UInt8] = []
                while i < bytes.count {
                    let c = bytes[i]
                    i += 1
                    if c == UInt8(ascii: "\"") {
                        if i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
                            out.append(c)
                            i += 1
                        } else {
                            return out
                        }
                    } else {
                        out.append(c)
                    }
                }
                return nil
            }
            let start = i
            while i < bytes.count, bytes[i] != UInt8(ascii: ",") {
                if bytes[i] == UInt8(ascii: "\"") { return nil }
                i += 1
            }
            return Array(UnsafeBufferPointer(rebasing: bytes[start..<i]))
        }

        mutating func csv() -> RecordedEvent? {
            let comma = UInt8(ascii: ",")
            guard let position = int(), byte(comma), let scene = uuid(), byte(comma), let version = int(), byte(comma),
                let session = uuid(), byte(comma), let actor = uuid(), byte(comma), let command = uuid(), byte(comma),
                let seq = int(), let seq16 = Int16(exactly: seq), byte(comma),
                let typeBytes = csvField(), byte(comma), let sv = int(), let sv16 = Int16(exactly: sv), byte(comma),
                let payload = csvField(), byte(comma), let client = int(), byte(comma),
                let iso = isoSlice(), byte(comma), let recorded = int(), isoMatches(iso, recorded), byte(comma),
                let prev = hash(), byte(comma), let hash = hash(), i == bytes.count
            else { return nil }
            return RecordedEvent(
                position: position, sceneID: scene, version: version, sessionID: session, actorID: actor, commandID: command,
                commandSeq: seq16, type: String(decoding: typeBytes, as: UTF8.self), schemaVersion: sv16, payload: payload,
                clientTimeMillis: client, recordedAtMicros: recorded, prevHash: prev, hash: hash
            )
        }
    }
}
