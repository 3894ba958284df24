package import Foundation

/// Reading and writing PostgreSQL's binary wire formats (COPY BINARY rows, binary results).
package enum PGBinary {
    /// Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01).
    package static let postgresEpochOffsetMicros: Int64 = 946_684_800_000_000

    package static let copyHeader: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0]
    package static let copyTrailer: [UInt8] = [0xFF, 0xFF]

    @inline(__always)
    package static func appendInt16(_ v: Int16, to out: inout [UInt8]) {
        let u = UInt16(bitPattern: v)
        out.append(UInt8(u >> 8)); out.append(UInt8(u & 0xFF))
    }

    @inline(__always)
    package static func appendInt32(_ v: Int32, to out: inout [UInt8]) {
        let u = UInt32(bitPattern: v)
        out.append(UInt8(u >> 24)); out.append(UInt8((u >> 16) & 0xFF))
        out.append(UInt8((u >> 8) & 0xFF)); out.append(UInt8(u & 0xFF))
    }

    @inline(__always)
    package static func appendInt64(_ v: Int64, to out: inout [UInt8]) {
        let u = UInt64(bitPattern: v)
        var shift: UInt64 = 56
        while true {
            out.append(UInt8((u >> shift) & 0xFF))
            if shift == 0 { break }
            shift -= 8
        }
    }

    // COPY fields: a 32-bit length, then the bytes.

    package static func field(int16 v: Int16, to out: inout [UInt8]) {
        appendInt32(2, to: &out); appendInt16(v, to: &out)
    }

    package static func field(int64 v: Int64, to out: inout [UInt8]) {
        appendInt32(8, to: &out); appendInt64(v, to: &out)
    }

    package static func field(uuid: UUID, to out: inout [UInt8]) {
        appendInt32(16, to: &out)
        withUnsafeBytes(of: uuid.uuid) { out.append(contentsOf: $0) }
    }

    package static func field(bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        appendInt32(Int32(bytes.count), to: &out); out.append(contentsOf: bytes)
    }

    package static func field(text: String, to out: inout [UInt8]) {
        field(bytes: text.utf8, to: &out)
    }

    package static func field(timestampMicros unixMicros: Int64, to out: inout [UInt8]) {
        field(int64: unixMicros - postgresEpochOffsetMicros, to: &out)
    }

    // Binary result values.

    package static func readInt64(_ buffer: UnsafeRawBufferPointer) -> Int64 {
        var v: UInt64 = 0
        for b in buffer.prefix(8) { v = v << 8 | UInt64(b) }
        return Int64(bitPattern: v)
    }

    package static func readInt32(_ buffer: UnsafeRawBufferPointer) -> Int32 {
        var v: UInt32 = 0
        for b in buffer.prefix(4) { v = v << 8 | UInt32(b) }
        return Int32(bitPattern: v)
    }

    package static func readInt16(_ buffer: UnsafeRawBufferPointer) -> Int16 {
        var v: UInt16 = 0
        for b in buffer.prefix(2) { v = v << 8 | UInt16(b) }
        return Int16(bitPattern: v)
    }

    package static func readUUID(_ buffer: UnsafeRawBufferPointer) -> UUID {
        var t: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &t) { dst in
            dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer.prefix(16)))
        }
        return UUID(uuid: t)
    }

    package static func readTimestampMicros(_ buffer: UnsafeRawBufferPointer) -> Int64 {
        readInt64(buffer) + postgresEpochOffsetMicros
    }
}

extension PGResult {
    package func int64(_ row: Int, _ column: Int) -> Int64 { PGBinary.readInt64(bytes(row, column)) }
    package func int32(_ row: Int, _ column: Int) -> Int32 { PGBinary.readInt32(bytes(row, column)) }
    package func int16(_ row: Int, _ column: Int) -> Int16 { PGBinary.readInt16(bytes(row, column)) }
    package func uuid(_ row: Int, _ column: Int) -> UUID { PGBinary.readUUID(bytes(row, column)) }
    package func timestampMicros(_ row: Int, _ column: Int) -> Int64 { PGBinary.readTimestampMicros(bytes(row, column)) }
    package func byteArray(_ row: Int, _ column: Int) -> [UInt8] { Array(bytes(row, column)) }
    package func string(_ row: Int, _ column: Int) -> String { String(decoding: bytes(row, column), as: UTF8.self) }
}
