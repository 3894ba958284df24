import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A file written through a 1 MiB buffer, hashing (SHA-256) everything it writes.
///
/// Owns its descriptor, which `deinit` closes; used from one task at a time.
final class AuditFileWriter {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var hasher = SHA256()
    let path: String
    private(set) var bytesWritten: Int64 = 0

    init(path: String) throws(LedgerError) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw LedgerError(.invalidArgument, "Cannot create \(path) (errno \(errno))") }
        self.path = path
        buffer.reserveCapacity(1 << 21)
    }

    deinit { close(fd) }

    func append(_ bytes: [UInt8]) throws(LedgerError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Lets a caller encode straight into the buffer.
    func withBuffer(_ body: (inout [UInt8]) -> Void) throws(LedgerError) {
        body(&buffer)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws(LedgerError) {
        guard !buffer.isEmpty else { return }
        hasher.update(data: buffer)
        var offset = 0
        while offset < buffer.count {
            let n = buffer[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw LedgerError(.invalidArgument, "Cannot write \(path) (errno \(errno)); is the disk full?") }
            offset += n
        }
        bytesWritten += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, syncs and returns the SHA-256 of everything written.
    func finish() throws(LedgerError) -> [UInt8] {
        try flush()
        guard fsync(fd) == 0 else { throw LedgerError(.invalidArgument, "Cannot sync \(path) (errno \(errno))") }
        return Array(hasher.finalize())
    }
}

/// Reads a file in 4 MiB chunks and hands out its lines, hashing every byte read.
///
/// Owns its descriptor, which `deinit` closes; used from one task at a time.
final class AuditFileReader {
    private let fd: Int32
    private var hasher = SHA256()
    private var chunk = [UInt8](repeating: 0, count: 4 << 20)
    private var carry: [UInt8] = []
    let path: String
    private(set) var bytesRead: Int64 = 0

    init(path: String) throws(LedgerError) {
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw LedgerError(.notFound, "Cannot open \(path) (errno \(errno))") }
        self.path = path
    }

    deinit { close(fd) }

    /// Calls `body` with each line (without its newline); stops early when `body` returns
    /// false. A last line without a newline is handed out too.
    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>) -> Bool) throws(LedgerError) {
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n >= 0 else { throw LedgerError(.invalidArgument, "Cannot read \(path) (errno \(errno))") }
            if n == 0 { break }
            bytesRead += Int64(n)
            let keepGoing = chunk.withUnsafeBufferPointer { all -> Bool in
                let data = UnsafeBufferPointer(rebasing: all[0..<n])
                hasher.update(bufferPointer: UnsafeRawBufferPointer(data))
                var start = 0
                while let newline = data[start...].firstIndex(of: 10) {
                    let ok: Bool
                    if carry.isEmpty {
                        ok = body(UnsafeBufferPointer(rebasing: data[start..<newline]))
                    } else {
                        carry.append(contentsOf: data[start..<newline])
                        ok = carry.withUnsafeBufferPointer { body($0) }
                        carry.removeAll(keepingCapacity: true)
                    }
                    if !ok { return false }
                    start = newline + 1
                }
                carry.append(contentsOf: data[start...])
                return true
            }
            if !keepGoing { return }
        }
        if !carry.isEmpty {
            _ = carry.withUnsafeBufferPointer { body($0) }
            carry.removeAll()
        }
    }

    /// Reads whatever is left (to finish the digest) and returns the SHA-256 of the file.
    func finishDigest() throws(LedgerError) -> [UInt8] {
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n >= 0 else { throw LedgerError(.invalidArgument, "Cannot read \(path) (errno \(errno))") }
            if n == 0 { break }
            chunk.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return Array(hasher.finalize())
    }
}
