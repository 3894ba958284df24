/// Binary STL: an 80-byte header, a little-endian UInt32 triangle count, then 50-byte
/// records (normal, three corners as little-endian Float32, a 2-byte attribute).
extension STLReader {
    struct BinaryParser: Sendable {
        static let headerSize = 84
        static let recordSize = 50

        /// Triangles the header promises.
        let count: Int
        /// Header bytes still to skip.
        var headerLeft = BinaryParser.headerSize
        /// The start of a record split across chunks.
        var partial: [UInt8] = []
        /// Whole records read.
        var records = 0
        /// Bytes after the last promised record.
        var surplus = 0
        var values = [Float](repeating: 0, count: 12)

        init(count: Int) {
            self.count = count
            partial.reserveCapacity(Self.recordSize)
        }

        mutating func consume(_ bytes: UnsafeRawBufferPointer, into soup: inout TriangleSoup) throws(RendererError) {
            var offset = Swift.min(headerLeft, bytes.count)
            headerLeft -= offset
            if !partial.isEmpty {
                let take = Swift.min(Self.recordSize - partial.count, bytes.count - offset)
                partial.append(contentsOf: bytes[offset..<(offset + take)])
                offset += take
                guard partial.count == Self.recordSize else { return }
                let record = partial
                partial.removeAll(keepingCapacity: true)
                try record.withUnsafeBufferPointer { (buffer) throws(RendererError) in
                    try parseRecord(UnsafeRawBufferPointer(buffer), at: 0, into: &soup)
                }
            }
            while bytes.count - offset >= Self.recordSize {
                try parseRecord(bytes, at: offset, into: &soup)
                offset += Self.recordSize
            }
            if offset < bytes.count {
                if records < count {
                    partial.append(contentsOf: bytes[offset...])
                } else {
                    surplus += bytes.count - offset
                }
            }
        }

        private mutating func parseRecord(
            _ bytes: UnsafeRawBufferPointer, at offset: Int, into soup: inout TriangleSoup
        ) throws(RendererError) {
            guard records < count else {
                surplus += Self.recordSize
                return
            }
            for i in 0..<12 {
                let bits = bytes.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)
                values[i] = Float(bitPattern: UInt32(littleEndian: bits))
            }
            try values.withUnsafeBufferPointer { (buffer) throws(RendererError) in try soup.append(buffer) }
            records += 1
        }

        /// Checks that the stream held exactly the promised records.
        mutating func finish() throws(RendererError) {
            if headerLeft > 0 {
                throw RendererError(.stlTruncated, "the binary STL file ends inside its 84-byte header")
            }
            if records < count {
                if partial.isEmpty {
                    throw RendererError(
                        .stlTriangleCount,
                        "the binary STL header promises \(count) triangles, but the file holds \(records)")
                }
                throw RendererError(
                    .stlTruncated, "the binary STL file ends inside triangle \(records) of \(count)")
            }
            if surplus > 0 {
                throw RendererError(
                    .stlTriangleCount,
                    "the binary STL header promises \(count) triangles, but \(surplus) bytes follow them")
            }
        }
    }
}
