import CZstd

/// One-shot zstd compression, for snapshots.
///
/// Frames carry a content checksum. zstd's C errors become `LedgerError(.compression)` here, at the boundary. Decompression
/// trusts nothing in its input: a frame must declare its content size, and a size above
/// `maxSize` is refused before anything is allocated.
package enum Zstd {
    /// `ZSTD_CONTENTSIZE_UNKNOWN` and `ZSTD_CONTENTSIZE_ERROR` (macros Swift does not import).
    private static let contentSizeUnknown = UInt64.max
    private static let contentSizeError = UInt64.max - 1

    /// Compresses `bytes` into one zstd frame that declares its content size and carries a
    /// checksum of the content, so corruption is caught by `decompress`.
    package static func compress(_ bytes: [UInt8], level: Int32 = 3) throws(LedgerError) -> [UInt8] {
        let bound = ZSTD_compressBound(bytes.count)
        if ZSTD_isError(bound) != 0 {
            throw LedgerError(.compression, "cannot compress \(bytes.count) bytes", underlying: zstdError(bound))
        }
        guard let context = ZSTD_createCCtx() else {
            throw LedgerError(.compression, "cannot create a zstd compression context")
        }
        defer { ZSTD_freeCCtx(context) }
        for (parameter, value) in [(ZSTD_c_compressionLevel, level), (ZSTD_c_checksumFlag, 1)] {
            let result = ZSTD_CCtx_setParameter(context, parameter, value)
            if ZSTD_isError(result) != 0 {
                throw LedgerError(.compression, "cannot set zstd parameter", underlying: zstdError(result))
            }
        }
        var out = [UInt8](repeating: 0, count: max(bound, 1))
        let written = bytes.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                ZSTD_compress2(context, dst.baseAddress, dst.count, src.baseAddress, src.count)
            }
        }
        if ZSTD_isError(written) != 0 {
            throw LedgerError(.compression, "zstd compression failed", underlying: zstdError(written))
        }
        out.removeSubrange(written...)
        return out
    }

    /// Decompresses one zstd frame whose header declares a content size of at most `maxSize`.
    package static func decompress(_ bytes: [UInt8], maxSize: Int = 256 << 20) throws(LedgerError) -> [UInt8] {
        let declared = bytes.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        switch declared {
        case contentSizeError:
            throw LedgerError(.compression, "input (\(bytes.count) bytes) is not a zstd frame")
        case contentSizeUnknown:
            throw LedgerError(.compression, "zstd frame does not declare its content size")
        case let size where size > UInt64(max(maxSize, 0)):
            throw LedgerError(.compression, "zstd frame declares \(size) bytes, more than the limit of \(maxSize)")
        default:
            break
        }
        let size = Int(declared)
        var out = [UInt8](repeating: 0, count: max(size, 1))
        let produced = bytes.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                ZSTD_decompress(dst.baseAddress, size, src.baseAddress, src.count)
            }
        }
        if ZSTD_isError(produced) != 0 {
            throw LedgerError(.compression, "zstd decompression failed", underlying: zstdError(produced))
        }
        guard produced == size else {
            throw LedgerError(.compression, "zstd frame declared \(size) bytes but held \(produced)")
        }
        out.removeSubrange(size...)
        return out
    }

    private static func zstdError(_ code: Int) -> CErrorMessage {
        CErrorMessage(String(cString: ZSTD_getErrorName(code)))
    }
}
