import Crypto
import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads a file in 4 MiB chunks and hands out its lines, hashing every byte read.
///
/// Owns its descriptor, which `deinit` closes; used from one task at a time. The digest
/// runs on a serial queue of its own while the lines are checked.
final class AuditFileReader {
    private let fd: Int32
    private let digest = BackgroundDigest(label: "audit-verify-digest")
    let path: String
    private(set) var bytesRead: Int64 = 0

    init(path: String) throws(LedgerError) {
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw LedgerError(.notFound, "Cannot open \(path) (errno \(errno))") }
        self.path = path
    }

    deinit { close(fd) }

    /// Calls `body` with batches of whole lines: a buffer and the byte ranges of its lines
    /// (without their newlines), in file order; stops early when `body` returns false. A
    /// last line without a newline is handed out too.
    func forEachBatch(_ body: (UnsafeBufferPointer<UInt8>, [Range<Int>]) -> Bool) throws(LedgerError) {
        var carry: [UInt8] = []
        let chunkSize = 4 << 20
        while true {
            // A fresh buffer each time (the digest queue still reads the previous one): the
            // unfinished line carried over, then up to 4 MiB read straight after it.
            var n = 0
            var failed = false
            let data = [UInt8](unsafeUninitializedCapacity: carry.count + chunkSize) { buffer, count in
                _ = buffer.initialize(fromContentsOf: carry)
                n = read(fd, buffer.baseAddress! + carry.count, chunkSize)
                failed = n < 0
                count = carry.count + max(n, 0)
            }
            guard !failed else { throw LedgerError(.invalidArgument, "Cannot read \(path) (errno \(errno))") }
            if n == 0 { break }
            bytesRead += Int64(n)
            digest.update(data, from: carry.count)
            var ranges: [Range<Int>] = []
            ranges.reserveCapacity(8_192)
            var start = 0
            let keepGoing = data.withUnsafeBufferPointer { all -> Bool in
                while let newline = all[start...].firstIndex(of: 10) {
                    ranges.append(start..<newline)
                    start = newline + 1
                }
                return ranges.isEmpty || body(all, ranges)
            }
            if !keepGoing { return }
            carry = Array(data[start...])
        }
        if !carry.isEmpty {
            _ = carry.withUnsafeBufferPointer { body($0, [0..<$0.count]) }
        }
    }

    /// Reads whatever is left (to finish the digest) and returns the SHA-256 of the file.
    func finishDigest() throws(LedgerError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n >= 0 else { throw LedgerError(.invalidArgument, "Cannot read \(path) (errno \(errno))") }
            if n == 0 { break }
            digest.update(Array(chunk[0..<n]))
        }
        return digest.finish()
    }
}

/// SHA-256 computed on a serial dispatch queue (not the cooperative pool), in the order
/// the buffers are handed in.
///
/// `@unchecked Sendable`: `hasher` is only touched on `queue`, and `finish` waits for the
/// queue to drain before reading it there.
final class BackgroundDigest: @unchecked Sendable {
    private let queue: DispatchQueue
    private var hasher = SHA256()

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func update(_ bytes: [UInt8], from offset: Int = 0) {
        queue.async { bytes.withUnsafeBytes { self.hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[offset...])) } }
    }

    func finish() -> [UInt8] {
        queue.sync { Array(self.hasher.finalize()) }
    }
}
