/// Reads binary and ASCII STL as a stream of chunks into a `Mesh`.
///
/// A push parser: create it with the total size, `consume` the bytes in chunks of any size,
/// then `finish`. It holds at most one partial binary record or one ASCII line between
/// chunks, so memory grows with the triangles, never with the file. `read(path:)` feeds it
/// 1 MiB reads; `read(bytes:)` feeds it a buffer.
///
/// Binary or ASCII is decided from the first bytes and the total size: a size of exactly
/// 84 + 50 × (the count at bytes 80..<84) is binary even when the header starts with
/// "solid"; otherwise text starting with "solid" is ASCII; otherwise a header followed by
/// plausible float records is a damaged binary file (wrong count or truncated); anything
/// else is not STL.
package struct STLReader: Sendable {
    package static let defaultMaxBytes = 200 << 20
    /// How many leading bytes decide the format.
    static let sniffLength = 512

    enum Stage: Sendable {
        case sniffing
        case binary(BinaryParser)
        case ascii(ASCIIParser)
    }

    let byteCount: Int
    let maxBytes: Int
    let creaseAngleDegrees: Double
    var stage: Stage = .sniffing
    var prefix: [UInt8] = []
    var consumed = 0
    var soup = TriangleSoup()

    /// A reader for `byteCount` bytes. Throws `stlTooLarge` when that exceeds `maxBytes`.
    package init(
        byteCount: Int, maxBytes: Int = STLReader.defaultMaxBytes, creaseAngleDegrees: Double = 30
    ) throws(RendererError) {
        guard byteCount >= 0, byteCount <= maxBytes else {
            throw RendererError(.stlTooLarge, "the STL file has \(byteCount) bytes, more than the limit of \(maxBytes)")
        }
        self.byteCount = byteCount
        self.maxBytes = maxBytes
        self.creaseAngleDegrees = creaseAngleDegrees
    }

    /// Parses an STL file held in memory.
    package static func read(
        bytes: some Collection<UInt8>, maxBytes: Int = defaultMaxBytes, creaseAngleDegrees: Double = 30
    ) throws(RendererError) -> Mesh {
        var reader = try STLReader(byteCount: bytes.count, maxBytes: maxBytes, creaseAngleDegrees: creaseAngleDegrees)
        // withContiguousStorageIfAvailable rethrows untyped errors: carry ours out by hand.
        var failure: RendererError?
        let contiguous: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            do throws(RendererError) {
                try reader.consume(UnsafeRawBufferPointer(buffer))
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        if contiguous == nil {
            try Array(bytes).withUnsafeBufferPointer { (buffer) throws(RendererError) in
                try reader.consume(UnsafeRawBufferPointer(buffer))
            }
        }
        return try reader.finish()
    }

    /// Feeds the next bytes of the file.
    package mutating func consume(_ chunk: UnsafeRawBufferPointer) throws(RendererError) {
        guard !chunk.isEmpty else { return }
        let (total, overflow) = consumed.addingReportingOverflow(chunk.count)
        guard !overflow, total <= maxBytes else {
            throw RendererError(.stlTooLarge, "the STL file is larger than the limit of \(maxBytes) bytes")
        }
        consumed = total
        switch stage {
        case .sniffing:
            let wanted = Swift.max(1, Swift.min(byteCount, Self.sniffLength))
            let take = Swift.min(chunk.count, Swift.max(0, wanted - prefix.count))
            prefix.append(contentsOf: chunk[0..<take])
            guard prefix.count >= wanted else { return }
            try decide()
            try feedParser(UnsafeRawBufferPointer(rebasing: chunk[take...]))
        default:
            try feedParser(chunk)
        }
    }

    /// Ends the stream and builds the mesh.
    package mutating func finish() throws(RendererError) -> Mesh {
        if case .sniffing = stage {
            guard !prefix.isEmpty else { throw RendererError(.stlEmpty, "the STL file is empty") }
            try decide()
        }
        switch stage {
        case .sniffing:
            break
        case .binary(var parser):
            try parser.finish()
        case .ascii(var parser):
            try parser.finish(into: &soup)
        }
        return try Mesh(soup: soup, creaseAngleDegrees: creaseAngleDegrees)
    }

    private mutating func feedParser(_ bytes: UnsafeRawBufferPointer) throws(RendererError) {
        guard !bytes.isEmpty else { return }
        switch stage {
        case .sniffing:
            break
        case .binary(var parser):
            stage = .sniffing  // drop the reference so the parser's buffers stay unique
            defer { stage = .binary(parser) }
            try parser.consume(bytes, into: &soup)
        case .ascii(var parser):
            stage = .sniffing
            defer { stage = .ascii(parser) }
            try parser.consume(bytes, into: &soup)
        }
    }

    /// Chooses the format from the prefix and the size, then replays the prefix.
    private mutating func decide() throws(RendererError) {
        let held = prefix
        prefix = []
        switch try Self.detect(prefix: held, byteCount: byteCount, maxBytes: maxBytes) {
        case .binary(let count):
            soup.reserve(Swift.min(count, Swift.max(0, byteCount - 84) / 50))
            stage = .binary(BinaryParser(count: count))
        case .ascii:
            stage = .ascii(ASCIIParser())
        }
        try held.withUnsafeBufferPointer { (buffer) throws(RendererError) in try feedParser(UnsafeRawBufferPointer(buffer)) }
    }
}
