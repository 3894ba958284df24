import Foundation
import Testing
@testable import SceneLedger

@Suite("Batch plans, without I/O")
struct LedgerBatchPlanTests {
    let sceneA = UUID()
    let sceneB = UUID()
    let session = UUID()
    let actor = UUID()

    func request(_ scene: UUID, epoch: Int64 = 1, command: UUID = UUID(), events: Int = 1, expected: Int64? = nil)
        -> AppendRequest
    {
        AppendRequest(
            lease: SceneLease(sceneID: scene, holder: "test", epoch: epoch), sessionID: session, actorID: actor,
            commandID: command, clientTimeMillis: 7, expectedVersion: expected,
            events: (0..<events).map { NewEvent(type: "pointer.moved", schemaVersion: 1, payload: Array("{\"n\":\($0)}".utf8)) },
            recordedAtMicros: 1_000)
    }

    /// The hash chain the plan must produce, recomputed event by event.
    func expectedHead(of scene: UUID, from head: LedgerBatchPlan.ChainHead, _ requests: [AppendRequest]) -> [UInt8] {
        var prev = head.hash
        var version = head.version
        for r in requests where r.sceneID == scene {
            for (seq, e) in r.events.enumerated() {
                version += 1
                let event = RecordedEvent(
                    position: 0, sceneID: scene, version: version, sessionID: r.sessionID, actorID: r.actorID,
                    commandID: r.commandID, commandSeq: Int16(seq), type: e.type, schemaVersion: e.schemaVersion,
                    payload: e.payload, clientTimeMillis: r.clientTimeMillis, recordedAtMicros: 1_000, prevHash: prev, hash: [])
                prev = event.computedHash
            }
        }
        return prev
    }

    @Test("versions continue each scene's head, positions follow the claimed base, and the chain links")
    func versionsPositionsAndChain() throws {
        let headB = LedgerBatchPlan.ChainHead(version: 5, hash: Array(repeating: 9, count: 32), recordedAtMicros: 10)
        let requests = [request(sceneA, events: 2), request(sceneB), request(sceneA, events: 3)]
        let heads: [UUID: LedgerBatchPlan.ChainHead] = [sceneA: .genesis, sceneB: headB]
        let plan = LedgerBatchPlan(requests, heads: heads, stored: [:], nowMicros: 0)
        #expect(plan.rowCount == 6)
        #expect(LedgerBatchPlan.missingHeads(requests, in: [sceneA: .genesis]) == [sceneB])

        let results = plan.results(base: 100).map { try? $0.get() }
        #expect(results.map { $0?.firstVersion } == [1, 6, 3])
        #expect(results.map { $0?.lastVersion } == [2, 6, 5])
        #expect(results.map { $0?.lastPosition } == [102, 103, 106])
        #expect(plan.heads[sceneA]?.version == 5)
        #expect(plan.heads[sceneB]?.version == 6)
        #expect(plan.heads[sceneA]?.hash == expectedHead(of: sceneA, from: .genesis, requests))
        #expect(plan.heads[sceneB]?.hash == expectedHead(of: sceneB, from: headB, requests))
        #expect(Set(plan.claims.map(\.sceneID)) == [sceneA, sceneB])
        #expect(plan.claims.first { $0.sceneID == sceneB } == .init(sceneID: sceneB, epoch: 1, fromVersion: 5, toVersion: 6))

        // Positions are written big-endian after each row's field count and length, in
        // chunks that begin and end on rows; together the chunks are the whole COPY.
        let offset = PGBinary.copyHeader.count + 6
        #expect(plan.copyData[offset..<offset + 8].allSatisfy { $0 == 0 })
        let whole = plan.chunks(maxBytes: 1 << 20)
        #expect(whole == [.init(bytes: 0..<plan.copyData.count, rows: 0..<6)])
        var out: [UInt8] = []
        plan.write(whole[0], base: 100, into: &out)
        #expect(Array(out[offset..<offset + 8]) == [0, 0, 0, 0, 0, 0, 0, 101])
        #expect(Array(out.suffix(2)) == PGBinary.copyTrailer)

        let small = plan.chunks(maxBytes: 1)
        #expect(small.count == 6)
        #expect(small.map(\.rows.count) == [1, 1, 1, 1, 1, 1])
        var joined: [UInt8] = []
        for chunk in small {
            plan.write(chunk, base: 100, into: &out)
            // Each chunk after the first starts with a row, whose position is its own.
            if chunk.rows.lowerBound > 0 {
                #expect(Array(out[6..<14]) == [0, 0, 0, 0, 0, 0, 0, UInt8(101 + chunk.rows.lowerBound)])
            }
            joined += out
        }
        var reference: [UInt8] = []
        plan.write(whole[0], base: 100, into: &reference)
        #expect(joined == reference)
    }

    @Test("a command twice in one batch is written once; a stored command is not written again")
    func retries() throws {
        let command = UUID()
        let storedCommand = UUID()
        let original = AppendResult(
            sceneID: sceneA, firstVersion: 1, lastVersion: 1, lastPosition: 40, recordedAtMicros: 5, duplicate: true)
        let requests = [
            request(sceneA, command: command), request(sceneA, command: command), request(sceneA, command: storedCommand),
            request(sceneB, command: storedCommand),
        ]
        let plan = LedgerBatchPlan(
            requests, heads: [sceneA: .genesis, sceneB: .genesis], stored: [storedCommand: original], nowMicros: 0)
        #expect(plan.rowCount == 1)
        let results = plan.results(base: 0)
        #expect(try results[0].get().duplicate == false)
        #expect(try results[1].get() == AppendResult(
            sceneID: sceneA, firstVersion: 1, lastVersion: 1, lastPosition: 1, recordedAtMicros: 1_000, duplicate: true))
        #expect(try results[2].get() == original)
        #expect(throws: LedgerError.self) { try results[3].get() }
        // Scene B wrote nothing, so it claims nothing.
        #expect(plan.claims.map(\.sceneID) == [sceneA])
    }

    @Test("refused appends write nothing and leave the head where it was")
    func refusals() {
        let requests = [
            request(sceneA, expected: 3), request(sceneA, events: 0), request(sceneA, epoch: 1), request(sceneA, epoch: 2),
        ]
        let plan = LedgerBatchPlan(requests, heads: [sceneA: .genesis], stored: [:], nowMicros: 0)
        let codes = plan.results(base: 0).map { result -> LedgerError.Code? in
            if case .failure(let error) = result { return error.code }
            return nil
        }
        #expect(codes == [.conflict, .invalidArgument, nil, .fenced])
        #expect(plan.rowCount == 1)
        #expect(plan.heads[sceneA]?.version == 1)
    }

    @Test("nothing to write makes an empty COPY and no claims")
    func empty() {
        let plan = LedgerBatchPlan([request(sceneA, events: 0)], heads: [sceneA: .genesis], stored: [:], nowMicros: 0)
        #expect(plan.rowCount == 0)
        #expect(plan.claims.isEmpty)
        #expect(plan.copyData == PGBinary.copyHeader + PGBinary.copyTrailer)
    }
}
