import Foundation
import Logging

/// Commits batch plans in single transactions, on the writer connection's thread.
///
/// Per batch: `BEGIN; SELECT scenecast_claim_batch(...)` (fencing, head check, global
/// positions), one binary `COPY` of every row, `COMMIT`. Idempotency is optimistic: the
/// unique index on `(command_id, command_seq)` rejects a retried command, and only then is
/// the batch written again by `write(_:after:)` with an explicit look-up of the command ids
/// already stored.
///
/// Plans are queued with `submit` and committed in order by one drain loop, so batch N+1's
/// claim goes out as soon as N's `COMMIT` returns. After a failure every plan is skipped
/// (answered `.skipped`, untried) until the writer loop has written the failed batch again
/// with `write(_:after:)`: the order of appends holds even then.
///
/// The actor shares its executor with its connection, so awaiting the connection does not
/// hop threads. `loadHeads` and `write` use the connection outside the drain loop, so the
/// writer loop calls them only once every submitted plan is answered.
actor LedgerBatchWriter {
    typealias ChainHead = LedgerBatchPlan.ChainHead

    /// What became of a submitted plan.
    enum CommitOutcome: Sendable {
        /// Committed; the positions start after this one.
        case committed(base: Int64)
        case failed(LedgerError)
        /// Not tried, because a batch before it failed.
        case skipped
    }

    private let executor: ThreadExecutor
    private let conninfo: String
    private let logger: Logger
    private var connection: PGConnection?
    private var queue: [(plan: LedgerBatchPlan, reply: Promise<CommitOutcome>)] = []
    private var draining = false
    /// Set by a failed commit; cleared by `write` (the failed batch written again).
    private var failedSinceWrite = false
    /// One chunk of COPY data with its positions filled in, reused for every chunk.
    private var scratch: [UInt8] = []

    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(conninfo: String, logger: Logger) {
        self.executor = ThreadExecutor(name: "ledger-writer")
        self.conninfo = conninfo
        self.logger = logger
    }

    func close() async {
        await connection?.close()
        connection = nil
        executor.shutdown()
    }

    private func connected() async throws(LedgerError) -> PGConnection {
        if let connection, await connection.isOpen { return connection }
        let fresh = try await PGConnection.connect(conninfo, name: "ledger-writer", logger: logger, executor: executor)
        connection = fresh
        return fresh
    }

    /// COPY data is sent to the server in chunks of about this size, each copied once into
    /// `scratch` with its positions.
    static let chunkBytes = 256 * 1024

    /// The stored head of each scene (genesis for a scene without events).
    func loadHeads(_ scenes: Set<UUID>) async throws(LedgerError) -> [UUID: ChainHead] {
        let connection = try await connected()
        var heads: [UUID: ChainHead] = [:]
        for scene in scenes {
            heads[scene] = try await connection.withResult(
                "SELECT version, hash, recorded_at FROM events WHERE scene_id = $1 ORDER BY version DESC LIMIT 1",
                [scene.uuidString]
            ) { result throws(LedgerError) in
                guard result.rowCount == 1 else { return ChainHead.genesis }
                return ChainHead(
                    version: result.int64(0, 0), hash: result.byteArray(0, 1), recordedAtMicros: result.timestampMicros(0, 2))
            }
        }
        return heads
    }

    /// Queues `plan` behind those submitted before it; `reply` is fulfilled on the writer
    /// thread once it is committed, failed or skipped.
    func submit(_ plan: LedgerBatchPlan, reply: Promise<CommitOutcome>) {
        guard !failedSinceWrite else {
            reply.fulfill(.skipped)
            return
        }
        queue.append((plan, reply))
        guard !draining else { return }
        draining = true
        Task { await self.drain() }
    }

    private func drain() async {
        while !queue.isEmpty {
            let (plan, reply) = queue.removeFirst()
            guard !failedSinceWrite else {
                reply.fulfill(.skipped)
                continue
            }
            do {
                reply.fulfill(.committed(base: try await commit(plan)))
            } catch {
                failedSinceWrite = true
                reply.fulfill(.failed(error))
            }
        }
        draining = false
    }

    /// Commits `plan` and returns the position before its first row. On failure the
    /// transaction is rolled back (or the lost connection dropped) before this throws.
    private func commit(_ plan: LedgerBatchPlan) async throws(LedgerError) -> Int64 {
        guard plan.rowCount > 0 else { return 0 }
        do throws(LedgerError) {
            let connection = try await connected()
            let rows = try await connection.queryMulti(plan.claimSQL)
            guard let text = rows.first?.first ?? nil, let base = Int64(text) else {
                throw LedgerError(.query, "scenecast_claim_batch returned no position")
            }
            try await connection.beginCopy(LedgerCopyFormat.copyStatement(table: "events"))
            for chunk in plan.chunks(maxBytes: Self.chunkBytes) {
                plan.write(chunk, base: base, into: &scratch)
                try await connection.putCopyData(scratch)
            }
            try await connection.endCopy()
            try await connection.exec("COMMIT")
            return base
        } catch {
            await recover(after: error)
            throw error
        }
    }

    /// Writes `requests` one transaction at a time, after their batch failed with `failure`
    /// (nil: not tried yet). A retried command id, or a commit whose outcome is unknown, is
    /// resolved by looking up what is stored; idempotency makes that retry safe. Any other
    /// failure is isolated: one scene's fencing must not fail another scene's appends.
    func write(_ requests: [AppendRequest], after failure: LedgerError?) async -> [Result<AppendResult, LedgerError>] {
        failedSinceWrite = false
        var failure = failure
        if failure == nil {
            do { return try await writeOnce(requests, checkDuplicates: false) } catch { failure = error }
        }
        if let error = failure, error.isUniqueViolation || error.code == .connection {
            do { return try await writeOnce(requests, checkDuplicates: true) } catch { failure = error }
        }
        let failed = failure ?? LedgerError(.query, "The append was not written")
        let scenes = Set(requests.map(\.sceneID))
        guard scenes.count > 1 else { return requests.map { _ in .failure(failed) } }
        var results: [Result<AppendResult, LedgerError>?] = Array(repeating: nil, count: requests.count)
        for scene in scenes {
            let indices = requests.indices.filter { requests[$0].sceneID == scene }
            let group = indices.map { requests[$0] }
            let groupResults: [Result<AppendResult, LedgerError>]
            do {
                groupResults = try await writeOnce(group, checkDuplicates: true)
            } catch {
                groupResults = group.map { _ in .failure(error) }
            }
            for (i, r) in zip(indices, groupResults) { results[i] = r }
        }
        return results.map { $0! }
    }

    private func writeOnce(_ requests: [AppendRequest], checkDuplicates: Bool) async throws(LedgerError)
        -> [Result<AppendResult, LedgerError>]
    {
        let stored: [UUID: AppendResult]
        let heads: [UUID: ChainHead]
        do {
            stored = checkDuplicates ? try await storedCommands(requests.map(\.commandID)) : [:]
            heads = try await loadHeads(Set(requests.map(\.sceneID)))
        } catch {
            await recover(after: error)
            throw error
        }
        let plan = LedgerBatchPlan(requests, heads: heads, stored: stored, nowMicros: WallClock.nowMicros())
        return plan.results(base: try await commit(plan))
    }

    private func recover(after error: LedgerError) async {
        guard let connection else { return }
        if await connection.inTransaction { try? await connection.exec("ROLLBACK") }
        if !(await connection.isOpen) {
            logger.warning("ledger writer connection lost; reconnecting", metadata: ["error": "\(error)"])
            await connection.close()
            self.connection = nil
        }
    }

    private func storedCommands(_ ids: [UUID]) async throws(LedgerError) -> [UUID: AppendResult] {
        let connection = try await connected()
        let list = "{" + Set(ids).map { $0.uuidString }.joined(separator: ",") + "}"
        return try await connection.withResult(
            """
            SELECT command_id, scene_id, min(version), max(version), max(position), max(recorded_at)
            FROM events WHERE command_id = ANY($1::uuid[]) GROUP BY command_id, scene_id
            """,
            [list]
        ) { result throws(LedgerError) in
            var found: [UUID: AppendResult] = [:]
            for r in 0..<result.rowCount {
                found[result.uuid(r, 0)] = AppendResult(
                    sceneID: result.uuid(r, 1), firstVersion: result.int64(r, 2), lastVersion: result.int64(r, 3),
                    lastPosition: result.int64(r, 4), recordedAtMicros: result.timestampMicros(r, 5), duplicate: true
                )
            }
            return found
        }
    }
}

extension LedgerError {
    var isUniqueViolation: Bool {
        (underlying as? PGServerError)?.sqlState == PGServerError.uniqueViolation
    }
}
