import Foundation

/// One batch of appends, decided, hashed and encoded before the database is asked anything.
///
/// Pure: given the requests, the scenes' chain heads and the command ids already stored,
/// it gives every request its versions and time, hashes every event into its scene's
/// chain and encodes the rows as one binary `COPY`, with the global positions left as
/// zeros. Only `scenecast_claim_batch` knows the positions; `write(_:base:into:)` fills
/// them in, chunk by chunk, once it has answered. Building a plan needs no connection, so
/// the ledger writer builds batch N+1's plan while batch N is still committing.
struct LedgerBatchPlan: Sendable {
    /// The last event of a scene's chain: where the next append continues it.
    struct ChainHead: Sendable, Equatable {
        var version: Int64
        var hash: [UInt8]
        var recordedAtMicros: Int64

        /// The head of a scene with no events yet.
        static let genesis = ChainHead(version: 0, hash: EventHash.genesis, recordedAtMicros: 0)
    }

    /// The versions a batch claims in one scene, under one lease epoch.
    struct SceneClaim: Sendable, Equatable {
        var sceneID: UUID
        var epoch: Int64
        var fromVersion: Int64
        var toVersion: Int64
    }

    /// What becomes of one request.
    enum Outcome: Sendable {
        /// Decided without writing: stored before, or refused.
        case settled(Result<AppendResult, LedgerError>)
        /// Written by this batch; `lastRow` is the index of its last row in the COPY.
        case written(AppendResult, lastRow: Int)
        /// The same command id as an earlier request of this batch: its retry.
        case retryOf(Int)
    }

    private(set) var outcomes: [Outcome] = []
    /// Sorted by `UUID.precedes`, the order in which every writer claims scenes.
    private(set) var claims: [SceneClaim] = []
    private(set) var rowCount = 0
    /// `COPY ... FROM STDIN (FORMAT binary)` data: header, rows, trailer.
    private(set) var copyData: [UInt8] = PGBinary.copyHeader
    /// Where each row starts in `copyData`.
    private var rowOffsets: [Int] = []
    /// Every touched scene's head once this batch commits.
    private(set) var heads: [UUID: ChainHead] = [:]

    /// The scenes of `requests` whose head `known` lacks.
    static func missingHeads(_ requests: [AppendRequest], in known: [UUID: ChainHead]) -> Set<UUID> {
        Set(requests.lazy.map(\.sceneID).filter { known[$0] == nil })
    }

    /// - Parameters:
    ///   - heads: the head of every scene in `requests` (see `missingHeads`).
    ///   - stored: command ids already in the ledger, with what they produced.
    init(_ requests: [AppendRequest], heads known: [UUID: ChainHead], stored: [UUID: AppendResult], nowMicros: Int64) {
        var firstIndexOfCommand: [UUID: Int] = [:]
        var epochs: [UUID: Int64] = [:]
        var from: [UUID: Int64] = [:]
        outcomes.reserveCapacity(requests.count)
        copyData.reserveCapacity(requests.count * 768)

        for (index, request) in requests.enumerated() {
            if let original = stored[request.commandID] {
                outcomes.append(
                    .settled(
                        original.sceneID == request.sceneID
                            ? .success(original)
                            : .failure(
                                LedgerError(
                                    .conflict, "Command \(request.commandID.lowercasedString) was already recorded in another scene")
                            )))
                continue
            }
            if let first = firstIndexOfCommand[request.commandID] {
                outcomes.append(.retryOf(first))
                continue
            }
            firstIndexOfCommand[request.commandID] = index
            guard !request.events.isEmpty, request.events.count <= Int(Int16.max) else {
                outcomes.append(.settled(.failure(LedgerError(.invalidArgument, "An append needs 1 to 32767 events"))))
                continue
            }
            let scene = request.sceneID
            if heads[scene] == nil {
                let head = known[scene] ?? .genesis
                heads[scene] = head
                epochs[scene] = request.lease.epoch
                from[scene] = head.version
            }
            guard epochs[scene] == request.lease.epoch else {
                outcomes.append(
                    .settled(
                        .failure(LedgerError(.fenced, "Scene \(scene) was appended to under two lease epochs in one batch"))))
                continue
            }
            var head = heads[scene]!
            if let expected = request.expectedVersion, expected != head.version {
                outcomes.append(
                    .settled(
                        .failure(
                            LedgerError(.conflict, "Scene \(scene) is at version \(head.version), not the expected \(expected)"))))
                continue
            }
            let recordedAt = max(request.recordedAtMicros ?? nowMicros, head.recordedAtMicros)
            let firstVersion = head.version + 1
            for (seq, event) in request.events.enumerated() {
                let version = firstVersion + Int64(seq)
                let envelope = EventHash.canonicalEnvelope(
                    sceneID: scene, version: version, sessionID: request.sessionID, actorID: request.actorID,
                    commandID: request.commandID, commandSeq: Int16(seq), type: event.type,
                    schemaVersion: event.schemaVersion, clientTimeMillis: request.clientTimeMillis,
                    recordedAtMicros: recordedAt, payload: event.payload
                )
                let hash = EventHash.hash(prev: head.hash, envelope: envelope)
                rowOffsets.append(copyData.count)
                LedgerCopyFormat.appendRow(
                    RecordedEvent(
                        position: 0, sceneID: scene, version: version, sessionID: request.sessionID,
                        actorID: request.actorID, commandID: request.commandID, commandSeq: Int16(seq),
                        type: event.type, schemaVersion: event.schemaVersion, payload: event.payload,
                        clientTimeMillis: request.clientTimeMillis, recordedAtMicros: recordedAt,
                        prevHash: head.hash, hash: hash
                    ),
                    to: &copyData
                )
                head.hash = hash
            }
            head.version += Int64(request.events.count)
            head.recordedAtMicros = recordedAt
            heads[scene] = head
            rowCount += request.events.count
            outcomes.append(
                .written(
                    AppendResult(
                        sceneID: scene, firstVersion: firstVersion, lastVersion: head.version, lastPosition: 0,
                        recordedAtMicros: recordedAt, duplicate: false),
                    lastRow: rowCount - 1))
        }
        copyData.append(contentsOf: PGBinary.copyTrailer)
        claims = heads.keys.sorted { $0.precedes($1) }.map {
            SceneClaim(sceneID: $0, epoch: epochs[$0]!, fromVersion: from[$0]!, toVersion: heads[$0]!.version)
        }
        // A scene whose appends were all refused claims nothing and keeps its head.
        claims.removeAll { $0.fromVersion == $0.toVersion }
    }

    /// A piece of `copyData` that begins and ends on a row boundary.
    struct Chunk: Sendable, Equatable {
        var bytes: Range<Int>
        var rows: Range<Int>
    }

    /// `copyData` cut into pieces of about `maxBytes`, on row boundaries, so that every
    /// row's position lies whole inside one piece. The first holds the header, the last
    /// the trailer.
    func chunks(maxBytes: Int) -> [Chunk] {
        var chunks: [Chunk] = []
        var start = 0
        var firstRow = 0
        for (row, offset) in rowOffsets.enumerated() where row > firstRow && offset - start >= maxBytes {
            chunks.append(Chunk(bytes: start..<offset, rows: firstRow..<row))
            (start, firstRow) = (offset, row)
        }
        chunks.append(Chunk(bytes: start..<copyData.count, rows: firstRow..<rowOffsets.count))
        return chunks
    }

    /// Copies `chunk` into `out` (replacing what it held, keeping its capacity) with the
    /// global positions `base + 1 ...` written into its rows, in COPY order.
    func write(_ chunk: Chunk, base: Int64, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: copyData[chunk.bytes])
        out.withUnsafeMutableBytes { bytes in
            for row in chunk.rows {
                // A row is its field count (2 bytes), then position's length (4) and value.
                let position = (base + 1 + Int64(row)).bigEndian
                let at = rowOffsets[row] - chunk.bytes.lowerBound + 6
                withUnsafeBytes(of: position) { bytes.baseAddress!.advanced(by: at).copyMemory(from: $0.baseAddress!, byteCount: 8) }
            }
        }
    }

    /// One result per request, once the batch committed with positions from `base + 1`.
    func results(base: Int64) -> [Result<AppendResult, LedgerError>] {
        var results: [Result<AppendResult, LedgerError>] = []
        results.reserveCapacity(outcomes.count)
        for outcome in outcomes {
            switch outcome {
            case .settled(let result):
                results.append(result)
            case .written(var result, let lastRow):
                result.lastPosition = base + 1 + Int64(lastRow)
                results.append(.success(result))
            case .retryOf(let first):
                results.append(results[first].map { var r = $0; r.duplicate = true; return r })
            }
        }
        return results
    }

    /// The claim as one simple query: `BEGIN` and `scenecast_claim_batch` in one round trip.
    var claimSQL: String {
        """
        BEGIN;
        SELECT scenecast_claim_batch(
            '{\(claims.map { $0.sceneID.uuidString.lowercased() }.joined(separator: ","))}'::uuid[],
            '{\(claims.map { String($0.epoch) }.joined(separator: ","))}'::bigint[],
            '{\(claims.map { String($0.fromVersion) }.joined(separator: ","))}'::bigint[],
            '{\(claims.map { String($0.toVersion) }.joined(separator: ","))}'::bigint[],
            \(rowCount));
        """
    }
}
