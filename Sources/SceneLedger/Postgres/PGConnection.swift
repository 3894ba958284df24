import CPq
import Foundation
package import Logging

#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection, pinned to its own OS thread.
///
/// The actor's executor is a `ThreadExecutor`, so every libpq call (all of them blocking)
/// runs on that thread and never on Swift's cooperative pool. The `PGconn` handle is
/// owned by `PGHandle` and freed in its `deinit`.
package actor PGConnection {
    private let executor: ThreadExecutor
    /// False when the executor is shared with other actors (a writer and its reconnections).
    private let ownsExecutor: Bool
    private var handle: PGHandle?
    package let logger: Logger
    package let name: String

    nonisolated package var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private init(name: String, logger: Logger, executor: ThreadExecutor?) {
        self.executor = executor ?? ThreadExecutor(name: name)
        self.ownsExecutor = executor == nil
        self.name = name
        self.logger = logger
    }

    /// Opens a connection described by a libpq conninfo string or a `postgresql://` URL.
    /// Pass `executor` to run this connection on an existing thread (shared with the
    /// actor that drives it); otherwise the connection gets a thread of its own.
    package static func connect(
        _ conninfo: String, name: String = "pg", logger: Logger, executor: ThreadExecutor? = nil
    ) async throws(LedgerError) -> PGConnection {
        let connection = PGConnection(name: name, logger: logger, executor: executor)
        try await connection.open(conninfo)
        return connection
    }

    private func open(_ conninfo: String) throws(LedgerError) {
        guard let raw = PQconnectdb(conninfo) else {
            throw LedgerError(.connection, "libpq could not allocate a connection")
        }
        let handle = PGHandle(raw)
        guard PQstatus(raw) == CONNECTION_OK else {
            throw LedgerError(
                .connection,
                "Could not connect to PostgreSQL (\(PGConnection.redact(conninfo)))",
                underlying: CErrorMessage(String(cString: PQerrorMessage(raw)))
            )
        }
        self.handle = handle
        // Notices (e.g. "relation already exists, skipping") are informational: keep them off stderr.
        PQsetNoticeProcessor(raw, { _, _ in }, nil)
    }

    /// A connection dropped without `close()` still lets its thread exit; the handle is
    /// freed with the actor (PQfinish is safe on any thread once nothing else uses it).
    deinit {
        if ownsExecutor { executor.shutdown() }
    }

    /// Closes the connection and lets the thread exit.
    package func close() {
        handle = nil
        if ownsExecutor { executor.shutdown() }
    }

    /// True while a transaction is open (or failed and awaiting ROLLBACK).
    package var inTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle.raw)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    package var isOpen: Bool {
        guard let handle else { return false }
        return PQstatus(handle.raw) == CONNECTION_OK
    }

    func requireHandle() throws(LedgerError) -> PGHandle {
        guard let handle, PQstatus(handle.raw) == CONNECTION_OK else {
            throw LedgerError(.connection, "The PostgreSQL connection \(name) is closed or broken")
        }
        return handle
    }

    // MARK: - Statements

    /// Runs one or more statements with no parameters, discarding any rows.
    package func exec(_ sql: String) throws(LedgerError) {
        let handle = try requireHandle()
        guard PQsendQuery(handle.raw, sql) == 1 else {
            throw LedgerError(.connection, "Could not send a statement", underlying: handle.lastError)
        }
        _ = try drainResults(handle, context: sql)
    }

    /// Reads every pending result; throws the first failure after all are read (so the
    /// connection is ready for the next statement), else returns the last rows produced.
    private func drainResults(_ handle: PGHandle, context: String) throws(LedgerError) -> [[String?]] {
        var failure: LedgerError?
        var rows: [[String?]] = []
        while let result = PQgetResult(handle.raw) {
            let owned = PGResult(result)
            if failure == nil, let error = owned.error(context: context) { failure = error }
            if owned.status == PGRES_TUPLES_OK { rows = owned.textRows().rows }
        }
        if let failure { throw failure }
        return rows
    }

    /// Runs several statements as one simple query (one round trip) and returns the rows of
    /// the last one that produced rows. Values must already be safely formatted.
    package func queryMulti(_ sql: String) throws(LedgerError) -> [[String?]] {
        let handle = try requireHandle()
        guard PQsendQuery(handle.raw, sql) == 1 else {
            throw LedgerError(.connection, "Could not send a statement", underlying: handle.lastError)
        }
        return try drainResults(handle, context: sql)
    }

    /// Runs one parameterized statement (text parameters) and returns its rows as text.
    package func query(_ sql: String, _ params: [String?] = []) throws(LedgerError) -> PGRows {
        let result = try execute(sql, params, binary: false)
        return result.textRows()
    }

    /// Runs one parameterized statement and hands the raw result to `body` on this thread.
    package func withResult<T: Sendable>(
        _ sql: String,
        _ params: [String?] = [],
        binary: Bool = true,
        _ body: @Sendable (borrowing PGResult) throws(LedgerError) -> T
    ) throws(LedgerError) -> T {
        let result = try execute(sql, params, binary: binary)
        return try body(result)
    }

    func execute(_ sql: String, _ params: [String?], binary: Bool) throws(LedgerError) -> PGResult {
        let handle = try requireHandle()
        let raw: OpaquePointer? = withCStrings(params) { pointers in
            PQexecParams(handle.raw, sql, Int32(params.count), nil, pointers, nil, nil, binary ? 1 : 0)
        }
        guard let raw else {
            throw LedgerError(.connection, "PostgreSQL returned no result", underlying: handle.lastError)
        }
        let result = PGResult(raw)
        if let error = result.error(context: sql) { throw error }
        return result
    }

    // MARK: - COPY

    /// Streams `data` (already in PostgreSQL's binary COPY format) into `COPY ... FROM STDIN`,
    /// in 1 MiB chunks.
    package func copyIn(_ sql: String, data: [UInt8]) throws(LedgerError) {
        try beginCopy(sql)
        let chunk = 1 << 20
        var offset = 0
        while offset < data.count {
            try putCopyData(Array(data[offset..<min(offset + chunk, data.count)]))
            offset += chunk
        }
        try endCopy()
    }

    /// Starts `COPY ... FROM STDIN`; follow with `putCopyData` and `endCopy`.
    package func beginCopy(_ sql: String) throws(LedgerError) {
        let handle = try requireHandle()
        let start = PGResult(PQexec(handle.raw, sql))
        guard start.status == PGRES_COPY_IN else {
            throw start.error(context: sql) ?? LedgerError(.query, "COPY did not start: \(sql)")
        }
    }

    /// Sends a chunk of COPY data; the server parses it while the caller prepares more.
    package func putCopyData(_ data: [UInt8]) throws(LedgerError) {
        let handle = try requireHandle()
        let ok = data.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                PQputCopyData(handle.raw, $0, Int32(buffer.count)) == 1
            }
        }
        if !ok { throw LedgerError(.connection, "COPY data could not be sent", underlying: handle.lastError) }
    }

    /// Ends the COPY and reports whether the server accepted every row.
    package func endCopy() throws(LedgerError) {
        let handle = try requireHandle()
        if PQputCopyEnd(handle.raw, nil) != 1 {
            throw LedgerError(.connection, "COPY could not be finished", underlying: handle.lastError)
        }
        _ = try drainResults(handle, context: "COPY")
    }

    // MARK: - Notifications

    /// Blocks this connection's thread until a NOTIFY arrives or `timeoutMillis` passes.
    /// Returns the channels that were notified (payloads are ignored by design).
    package func waitForNotifications(timeoutMillis: Int32) throws(LedgerError) -> [String] {
        let handle = try requireHandle()
        var channels = drainNotifications(handle)
        if !channels.isEmpty { return channels }
        var pfd = pollfd(fd: PQsocket(handle.raw), events: Int16(POLLIN), revents: 0)
        let ready = poll(&pfd, 1, timeoutMillis)
        if ready < 0 && errno != EINTR {
            throw LedgerError(.connection, "poll on the PostgreSQL socket failed (errno \(errno))")
        }
        if ready > 0 {
            guard PQconsumeInput(handle.raw) == 1 else {
                throw LedgerError(.connection, "The listening connection broke", underlying: handle.lastError)
            }
        }
        channels = drainNotifications(handle)
        return channels
    }

    private func drainNotifications(_ handle: PGHandle) -> [String] {
        var channels: [String] = []
        while let notify = PQnotifies(handle.raw) {
            channels.append(String(cString: notify.pointee.relname))
            PQfreemem(notify)
        }
        return channels
    }

    /// Removes the password from a conninfo string or URL before it reaches a log or error.
    package static func redact(_ conninfo: String) -> String {
        if let schemeEnd = conninfo.range(of: "://"), let at = conninfo.range(of: "@") {
            let credentials = conninfo[schemeEnd.upperBound..<at.lowerBound]
            if let colon = credentials.firstIndex(of: ":") {
                return String(conninfo[..<colon]) + ":***" + String(conninfo[at.lowerBound...])
            }
            return conninfo
        }
        return conninfo.split(separator: " ").map { $0.hasPrefix("password=") ? "password=***" : String($0) }
            .joined(separator: " ")
    }
}

/// Owns one `PGconn*`; `PQfinish` runs exactly once, in `deinit`.
///
/// Only ever touched on its `PGConnection`'s thread.
final class PGHandle {
    let raw: OpaquePointer
    init(_ raw: OpaquePointer) { self.raw = raw }
    deinit { PQfinish(raw) }

    var lastError: CErrorMessage { CErrorMessage(String(cString: PQerrorMessage(raw))) }
}

/// Calls `body` with a C array of NUL-terminated copies of `strings` (nil stays NULL).
func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.map { strdup($0)! } }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}
