/// Telling binary STL from ASCII STL from anything else, by the first bytes and the size.
extension STLReader {
    enum Format: Equatable, Sendable {
        /// Binary, with the triangle count from the header.
        case binary(count: Int)
        case ascii
    }

    /// The format of a file of `byteCount` bytes that starts with `prefix` (at least the
    /// first 512 bytes, or all of a shorter file).
    ///
    /// Throws for a binary header whose count disagrees with the size (`stlTriangleCount`,
    /// or `stlTruncated` when the file stops inside the promised records), a binary header
    /// that promises nothing (`stlEmpty`), and bytes that are no STL (`stlNotSTL`).
    static func detect(prefix: [UInt8], byteCount: Int, maxBytes: Int) throws(RendererError) -> Format {
        let count = prefix.count >= 84 ? Int(littleEndianUInt32(prefix, at: 80)) : nil
        if let count, expectedBinarySize(count: count) == byteCount {
            guard count > 0 else { throw RendererError(.stlEmpty, "the binary STL file holds no triangles") }
            return .binary(count: count)
        }
        if looksLikeASCII(prefix) { return .ascii }
        guard let count, plausibleBinary(prefix: prefix, count: count, maxBytes: maxBytes) else {
            throw RendererError(.stlNotSTL, "the file is neither binary nor ASCII STL")
        }
        let body = byteCount - 84
        let held = body / 50
        if body % 50 != 0, held < count {
            throw RendererError(
                .stlTruncated,
                "the binary STL file ends inside triangle \(held) of \(count) (\(byteCount) bytes)")
        }
        throw RendererError(
            .stlTriangleCount,
            "the binary STL header promises \(count) triangles, but the file's \(byteCount) bytes "
                + (body % 50 == 0 ? "hold \(held)" : "do not divide into 50-byte records"))
    }

    /// 84 + 50 × count, or nil when that overflows.
    static func expectedBinarySize(count: Int) -> Int? {
        let (records, o1) = count.multipliedReportingOverflow(by: 50)
        let (total, o2) = records.addingReportingOverflow(84)
        return o1 || o2 ? nil : total
    }

    static func littleEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    /// Text that starts with "solid" after optional whitespace: no control bytes other
    /// than whitespace in the prefix (bytes ≥ 0x80 are allowed, for UTF-8 names).
    static func looksLikeASCII(_ prefix: [UInt8]) -> Bool {
        var start = 0
        if prefix.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }  // a UTF-8 byte order mark
        while start < prefix.count, ASCIIParser.isWhitespace(prefix[start]) { start += 1 }
        let solid = Array("solid".utf8)
        guard prefix.count - start >= solid.count,
            zip(prefix[start..<(start + solid.count)], solid).allSatisfy({ $0 | 0x20 == $1 })
        else { return false }
        return prefix.allSatisfy { ASCIIParser.isWhitespace($0) || ($0 >= 0x20 && $0 != 0x7F) }
    }

    /// Whether a header with a count that disagrees with the size still looks like a binary
    /// STL (so it is damaged STL, not random bytes): the count must describe a file within
    /// the size limit, and the vertex floats of the records in the prefix must be mostly
    /// zero or of a magnitude a model uses (1e-30 to 1e10).
    static func plausibleBinary(prefix: [UInt8], count: Int, maxBytes: Int) -> Bool {
        guard count > 0, let size = expectedBinarySize(count: count), size <= maxBytes else { return false }
        let records = (prefix.count - 84) / 50
        guard records > 0 else { return true }
        var sensible = 0
        for r in 0..<records {
            for i in 3..<12 {
                let f = Float(bitPattern: littleEndianUInt32(prefix, at: 84 + 50 * r + 4 * i))
                let m = abs(f)
                if f == 0 || (m.isFinite && m >= 1e-30 && m <= 1e10) { sensible += 1 }
            }
        }
        return sensible * 10 >= records * 9 * 9
    }
}
