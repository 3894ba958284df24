import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A file written through a 1 MiB buffer, hashing (SHA-256) everything it writes.
///
/// The caller fills the buffer from its task; full buffers go to a serial dispatch queue
/// of the writer's own that calls `write(2)`, so a slow disk never blocks a thread of the
/// cooperative pool, and to the digest's queue (`BackgroundDigest`), so encoding, hashing
/// and writing use all cores. At most `maxPending` buffers wait for the disk: a caller
/// ahead of it suspends (never blocks) until the queue catches up. A failed write is
/// reported by the next `append`, `flush` or `finish`.
final class AuditFileWriter {
    private let output: FileOutput
    private var buffer: [UInt8] = []
    private let digest = BackgroundDigest(label: "audit-export-digest")
    let path: String
    private(set) var bytesWritten: Int64 = 0
    private static let flushAt = 1 << 20
    private static let maxPending = 4

    init(path: String) throws(LedgerError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw LedgerError(.invalidArgument, "Cannot create \(path) (errno \(errno))") }
        output = FileOutput(fd: fd, path: path)
        self.path = path
        buffer.reserveCapacity(1 << 21)
    }

    func append(_ bytes: [UInt8]) async throws(LedgerError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.flushAt { try await flush() }
    }

    /// Lets a caller encode straight into the buffer (no suspension: call `flush()` when
    /// `isFull` says so).
    func withBuffer(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
    }

    /// True once the buffer holds 1 MiB or more.
    var isFull: Bool { buffer.count >= Self.flushAt }

    /// Hands the buffer to the digest and the write queue; waits (suspended) while the
    /// disk is `maxPending` buffers behind.
    func flush() async throws(LedgerError) {
        try output.check()
        guard !buffer.isEmpty else { return }
        digest.update(buffer)
        output.write(buffer)
        bytesWritten += Int64(buffer.count)
        // A fresh buffer: the digest and write queues still read the old one.
        buffer = []
        buffer.reserveCapacity(1 << 21)
        if output.pending >= Self.maxPending { await output.drained() }
    }

    /// Flushes, waits for every write, and returns the SHA-256 of everything written.
    func finish() async throws(LedgerError) -> [UInt8] {
        try await flush()
        await output.drained()
        try output.check()
        return digest.finish()
    }
}

/// A descriptor written on a serial queue in the order buffers are handed in; owns the
/// descriptor and closes it in `deinit`.
///
/// `@unchecked Sendable`: `fd` is only used on `queue` (and in `deinit`, after the queue's
/// last block released its reference); `state` sits behind a Mutex.
private final class FileOutput: @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private let queue = DispatchQueue(label: "audit-export-write")
    private let state = Mutex((pending: 0, failure: LedgerError?.none))

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    var pending: Int { state.withLock { $0.pending } }

    /// The first write failure, if one happened.
    func check() throws(LedgerError) {
        if let failure = state.withLock({ $0.failure }) { throw failure }
    }

    func write(_ bytes: [UInt8]) {
        state.withLock { $0.pending += 1 }
        queue.async {
            let failed = self.state.withLock { $0.failure != nil }
            let error = failed ? nil : self.writeAll(bytes)
            self.state.withLock {
                $0.pending -= 1
                if $0.failure == nil, let error { $0.failure = error }
            }
        }
    }

    /// Returns once every write handed in so far has run.
    func drained() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { continuation.resume() }
        }
    }

    private func writeAll(_ bytes: [UInt8]) -> LedgerError? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return LedgerError(.invalidArgument, "Cannot write \(path) (errno \(errno)); is the disk full?") }
            offset += n
        }
        return nil
    }
}
