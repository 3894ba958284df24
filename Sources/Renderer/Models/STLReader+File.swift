#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading an STL file from disk in 1 MiB chunks with POSIX calls.
extension STLReader {
    static let chunkSize = 1 << 20

    /// Parses the STL file at `path`, streaming it in 1 MiB reads.
    ///
    /// Throws `io` when the file cannot be opened or read or is not a regular file (a FIFO
    /// or a device could block or never end), `stlTooLarge` beyond `maxBytes`, and the STL
    /// codes for malformed content.
    package static func read(
        path: String, maxBytes: Int = defaultMaxBytes, creaseAngleDegrees: Double = 30
    ) throws(RendererError) -> Mesh {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ioError("cannot open the STL file \(path)") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ioError("cannot inspect the STL file \(path)") }
        guard info.st_mode & 0o170000 == 0o100000 else {
            throw RendererError(.io, "\(path) is not a regular file")
        }
        var reader = try STLReader(
            byteCount: Int(info.st_size), maxBytes: maxBytes, creaseAngleDegrees: creaseAngleDegrees)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = readChunk(fd, buffer)
            if n < 0 {
                if errno == EINTR { continue }
                throw ioError("cannot read the STL file \(path)")
            }
            if n == 0 { break }
            try reader.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return try reader.finish()
    }

    private static func ioError(_ message: String) -> RendererError {
        let code = errno
        let text = strerror(code).map { String(cString: $0) } ?? "unknown error"
        return RendererError(.io, message, underlying: SystemErrno(code: code, text: text))
    }
}

/// One read(2) call; outside the extension so the name resolves to the C function.
private func readChunk(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(fd, buffer.baseAddress, buffer.count)
}
