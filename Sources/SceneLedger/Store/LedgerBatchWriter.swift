import Foundation
import Logging

/// Writes batches of appends in single transactions, on the writer connection's thread.
///
/// Per batch: `BEGIN; SELECT scenecast_claim_batch(...)` (fencing, head check, global
/// positions), one binary `COPY` of every row, `COMMIT`. Idempotency is optimistic: the
/// unique index on `(command_id, command_seq)` rejects a retried command, and only then is
/// the batch retried with an explicit look-up of the command ids already stored.
///
/// The actor shares its executor with its connection, so awaiting the connection does not
/// hop threads.
actor LedgerBatchWriter {
    struct ChainHead {
        var version: Int64
        var hash: [UInt8]
        var recordedAtMicros: Int64
    }

    private let executor: ThreadExecutor
    private let conninfo: String
    private let logger: Logger
    private var connection: PGConnection?
    private var heads: [UUID: ChainHead] = [:]

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
        heads.removeAll()
        let fresh = try await PGConnection.connect(conninfo, name: "ledger-writer", logger: logger, executor: executor)
        connection = fresh
        return fresh
    }

    /// Writes `requests`, returning one result per request, in order.
    func write(_ requests: [AppendRequest]) async -> [Result<AppendResult, LedgerError>] {
        var failure: LedgerError
        do {
            return try await writeOnce(requests, checkDuplicates: false)
        } catch {
            failure = error
            await recover(after: error)
        }
        if failure.isUniqueViolation || failure.code == .connection {
            // A retried command id, or a commit whose outcome is unknown: look up what is
            // stored and write the rest. Idempotency makes this retry safe.
            do {
                return try await writeOnce(requests, checkDuplicates: true)
            } catch {
                failure = error
                await recover(after: error)
            }
        }
        let scenes = Set(requests.map(\.sceneID))
        guard scenes.count > 1 else { return requests.map { _ in .failure(failure) } }
        // Isolate the failure: one scene's fencing must not fail another scene's appends.
        var results: [Result<AppendResult, LedgerError>?] = Array(repeating: nil, count: requests.count)
        for scene in scenes {
            let indices = requests.indices.filter { requests[$0].sceneID == scene }
            let group = indices.map { requests[$0] }
            let groupResults: [Result<AppendResult, LedgerError>]
            do {
                groupResults = try await writeOnce(group, checkDuplicates: true)
            } catch {
                await recover(after: error)
                groupResults = group.map { _ in .failure(error) }
            }
            for (i, r) in zip(indices, groupResults) { results[i] = r }
        }
        return results.map { $0! }
    }

    private func recover(after error: LedgerError) async {
        heads.removeAll()
        if let connection {
            if await connection.inTransaction { try? await connection.exec("ROLLBACK") }
            if !(await connection.isOpen) {
                logger.warning("ledger writer connection lost; reconnecting", metadata: ["error": "\(error)"])
                await connection.close()
                self.connection = nil
            }
        }
    }

    /// COPY data is sent to the server in chunks of about this size.
    static let chunkBytes = 256 * 1024

    private func writeOnce(_ requests: [AppendRequest], checkDuplicates: Bool) async throws(LedgerError)
        -> [Result<AppendResult, LedgerError>]
    {
        let connection = try await connected()
        var results: [Result<AppendResult, LedgerError>?] = Array(repeating: nil, count: requests.count)
        var stored: [UUID: AppendResult] = [:]
        if checkDuplicates {
            stored = try await storedCommands(requests.map(\.commandID), on: connection)
        }

        // Pass 1 (cheap): decide which appends go in and give them versions.
        var firstIndexOfCommand: [UUID: Int] = [:]
        var sceneOrder: [UUID] = []
        var sceneEpoch: [UUID: Int64] = [:]
        var sceneFrom: [UUID: Int64] = [:]
        var working: [UUID: ChainHead] = [:]
        var plan: [(request: Int, firstVersion: Int64, recordedAt: Int64)] = []
        var rowCount = 0
        let now = WallClock.nowMicros()

        for (index, request) in requests.enumerated() {
            if let original = stored[request.commandID] {
                results[index] =
                    original.sceneID == request.sceneID
                    ? .success(original)
                    : .failure(
                        LedgerError(.conflict, "Command \(request.commandID.lowercasedString) was already recorded in another scene")
                    )
                continue
            }
            if firstIndexOfCommand[request.commandID] != nil { continue }  // resolved after commit
            firstIndexOfCommand[request.commandID] = index
            guard !request.events.isEmpty, request.events.count <= Int(Int16.max) else {
                results[index] = .failure(LedgerError(.invalidArgument, "An append needs 1 to 32767 events"))
                continue
            }
            let scene = request.sceneID
            if working[scene] == nil {
                working[scene] = try await head(of: scene, on: connection)
                sceneOrder.append(scene)
                sceneEpoch[scene] = request.lease.epoch
                sceneFrom[scene] = working[scene]!.version
            }
            guard sceneEpoch[scene] == request.lease.epoch else {
                results[index] = .failure(
                    LedgerError(.fenced, "Scene \(scene) was appended to under two lease epochs in one batch")
                )
                continue
            }
            let head = working[scene]!
            if let expected = request.expectedVersion, expected != head.version {
                results[index] = .failure(
                    LedgerError(.conflict, "Scene \(scene) is at version \(head.version), not the expected \(expected)")
                )
                continue
            }
            let recordedAt = max(request.recordedAtMicros ?? now, head.recordedAtMicros)
            plan.append((index, head.version + 1, recordedAt))
            working[scene]!.version += Int64(request.events.count)
            working[scene]!.recordedAtMicros = recordedAt
            rowCount += request.events.count
        }

        var byRequest: [Int: AppendResult] = [:]
        if rowCount > 0 {
            let touched = sceneOrder.sorted { $0.precedes($1) }
            let claim = """
                BEGIN;
                SELECT scenecast_claim_batch(
                    '{\(touched.map { $0.uuidString.lowercased() }.joined(separator: ","))}'::uuid[],
                    '{\(touched.map { String(sceneEpoch[$0]!) }.joined(separator: ","))}'::bigint[],
                    '{\(touched.map { String(sceneFrom[$0]!) }.joined(separator: ","))}'::bigint[],
                    '{\(touched.map { String(working[$0]!.version) }.joined(separator: ","))}'::bigint[],
                    \(rowCount));
                """
            let base = try await claimPositions(claim, on: connection)

            // Pass 2: hash and encode the rows, streaming them to the server in chunks so
            // it parses one chunk while the next is hashed.
            try await connection.beginCopy(LedgerCopyFormat.copyStatement(table: "events"))
            var chunk = PGBinary.copyHeader
            chunk.reserveCapacity(LedgerBatchWriter.chunkBytes + 1024)
            var position = base
            for (index, firstVersion, recordedAt) in plan {
                let request = requests[index]
                let scene = request.sceneID
                var prev = working[scene]!.hash
                for (seq, new) in request.events.enumerated() {
                    position += 1
                    let version = firstVersion + Int64(seq)
                    let envelope = EventHash.canonicalEnvelope(
                        sceneID: scene, version: version, sessionID: request.sessionID, actorID: request.actorID,
                        commandID: request.commandID, commandSeq: Int16(seq), type: new.type,
                        schemaVersion: new.schemaVersion, clientTimeMillis: request.clientTimeMillis,
                        recordedAtMicros: recordedAt, payload: new.payload
                    )
                    let hash = EventHash.hash(prev: prev, envelope: envelope)
                    LedgerCopyFormat.appendRow(
                        RecordedEvent(
                            position: position, sceneID: scene, version: version, sessionID: request.sessionID,
                            actorID: request.actorID, commandID: request.commandID, commandSeq: Int16(seq),
                            type: new.type, schemaVersion: new.schemaVersion, payload: new.payload,
                            clientTimeMillis: request.clientTimeMillis, recordedAtMicros: recordedAt,
                            prevHash: prev, hash: hash
                        ),
                        to: &chunk
                    )
                    prev = hash
                    if chunk.count >= LedgerBatchWriter.chunkBytes {
                        try await connection.putCopyData(chunk)
                        chunk.removeAll(keepingCapacity: true)
                    }
                }
                working[scene]!.hash = prev
                byRequest[index] = AppendResult(
                    sceneID: scene, firstVersion: firstVersion, lastVersion: firstVersion + Int64(request.events.count) - 1,
                    lastPosition: position, recordedAtMicros: recordedAt, duplicate: false
                )
            }
            chunk.append(contentsOf: PGBinary.copyTrailer)
            try await connection.putCopyData(chunk)
            try await connection.endCopy()
            try await connection.exec("COMMIT")
            for scene in touched { heads[scene] = working[scene] }
        }

        for (index, request) in requests.enumerated() where results[index] == nil {
            if let written = byRequest[index] {
                results[index] = .success(written)
            } else if let first = firstIndexOfCommand[request.commandID], first != index {
                // The same command twice in one batch: the second is a retry of the first.
                results[index] = results[first].map { $0.map { var r = $0; r.duplicate = true; return r } }
                    ?? byRequest[first].map { var r = $0; r.duplicate = true; return .success(r) }
            }
        }
        return results.map { $0 ?? .failure(LedgerError(.query, "The append was not written")) }
    }

    private func claimPositions(_ sql: String, on connection: PGConnection) async throws(LedgerError) -> Int64 {
        // BEGIN and the claim travel as one simple query: one round trip.
        let rows = try await connection.queryMulti(sql)
        guard let text = rows.first?.first ?? nil, let base = Int64(text) else {
            throw LedgerError(.query, "scenecast_claim_batch returned no position")
        }
        return base
    }

    private func head(of scene: UUID, on connection: PGConnection) async throws(LedgerError) -> ChainHead {
        if let cached = heads[scene] { return cached }
        let loaded = try await connection.withResult(
            "SELECT version, hash, recorded_at FROM events WHERE scene_id = $1 ORDER BY version DESC LIMIT 1",
            [scene.uuidString]
        ) { result throws(LedgerError) in
            guard result.rowCount == 1 else {
                return ChainHead(version: 0, hash: EventHash.genesis, recordedAtMicros: 0)
            }
            return ChainHead(
                version: result.int64(0, 0), hash: result.byteArray(0, 1), recordedAtMicros: result.timestampMicros(0, 2)
            )
        }
        heads[scene] = loaded
        return loaded
    }

    private func storedCommands(_ ids: [UUID], on connection: PGConnection) async throws(LedgerError)
        -> [UUID: AppendResult]
    {
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
