import Foundation
import Logging
import ServiceLifecycle
import ScenecastTestSupport
import Testing
@testable import SceneLedger

/// Runs `body` with a started `LedgerWriter` on `db`, shutting it down afterwards.
func withWriter<T: Sendable>(
    _ db: TestDatabase,
    configuration: WriterBatchingConfiguration = .init(),
    _ body: @Sendable (LedgerWriter, LedgerStore) async throws -> T
) async throws -> T {
    let writer = LedgerWriter(conninfo: db.conninfo, configuration: configuration, logger: db.logger)
    let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
    let runner = Task { try await writer.run() }
    do {
        let value = try await body(writer, store)
        writer.beginShutdown()
        try await runner.value
        await store.close()
        return value
    } catch {
        writer.beginShutdown()
        _ = try? await runner.value
        await store.close()
        throw error
    }
}

func makeScene(_ store: LedgerStore, holder: String = "test") async throws -> SceneLease {
    let id = UUID()
    try await store.createScene(id: id, name: "scene \(id)")
    return try await store.acquireLease(scene: id, holder: holder)
}

func request(_ lease: SceneLease, command: UUID = UUID(), expectedVersion: Int64? = nil, events count: Int = 1, tag: Int = 0) -> AppendRequest {
    AppendRequest(
        lease: lease, sessionID: UUID(), actorID: UUID(), commandID: command,
        clientTimeMillis: 1_700_000_000_000 + Int64(tag), expectedVersion: expectedVersion,
        events: (0..<count).map { i in
            NewEvent(type: "pointer.moved", schemaVersion: 1, payload: Array("{\"i\":\(i),\"tag\":\(tag)}".utf8))
        }
    )
}

@Suite("Ledger write path against PostgreSQL")
struct LedgerWriterIntegrationTests {
    @Test("concurrent appends from many tasks get gapless versions and positions")
    func concurrentAppends() async throws {
        let db = try await TestDatabase.make()
        try await withWriter(db) { writer, store in
            let leases = [try await makeScene(store), try await makeScene(store), try await makeScene(store)]
            let perTask = 25
            let tasks = 40
            let results = try await withThrowingTaskGroup(of: [AppendResult].self) { group in
                for t in 0..<tasks {
                    group.addTask {
                        var mine: [AppendResult] = []
                        for i in 0..<perTask {
                            let lease = leases[(t + i) % leases.count]
                            mine.append(try await writer.append(request(lease, events: 1 + (i % 3), tag: t * 1000 + i)))
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(results.count == tasks * perTask)
            #expect(results.allSatisfy { !$0.duplicate })
            for lease in leases {
                let events = try await store.events(scene: lease.sceneID, afterVersion: 0)
                #expect(events.map(\.version) == Array(1...Int64(events.count)))
                let report = try await store.verify(scene: lease.sceneID)
                #expect(report.isIntact)
                #expect(report.checked == Int64(events.count))
            }
            let all = try await store.events(afterPosition: 0)
            #expect(all.map(\.position) == Array(1...Int64(all.count)))
            #expect(Int64(all.count) == (try await store.headPosition()))
            // Each command's events are contiguous and its ack names its last version.
            for r in results {
                let mine = all.filter { $0.sceneID == r.sceneID && $0.version >= r.firstVersion && $0.version <= r.lastVersion }
                #expect(Set(mine.map(\.commandID)).count == 1)
                #expect(mine.last?.position == r.lastPosition)
            }
        }
    }

    @Test("a retried command id returns the original version and appends nothing")
    func idempotentRetry() async throws {
        let db = try await TestDatabase.make()
        try await withWriter(db) { writer, store in
            let lease = try await makeScene(store)
            let command = UUID()
            let first = try await writer.append(request(lease, command: command, events: 2))
            _ = try await writer.append(request(lease))
            let retry = try await writer.append(request(lease, command: command, events: 2))
            #expect(!first.duplicate)
            #expect(retry.duplicate)
            #expect(retry.lastVersion == first.lastVersion)
            #expect(retry.firstVersion == first.firstVersion)
            // Concurrent duplicates of a fresh command: exactly one is written.
            let racing = UUID()
            let results = try await withThrowingTaskGroup(of: AppendResult.self) { group in
                for _ in 0..<8 { group.addTask { try await writer.append(request(lease, command: racing)) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(results.map(\.lastVersion)).count == 1)
            #expect(results.filter { !$0.duplicate }.count == 1)
            #expect(try await store.headVersion(of: lease.sceneID) == 4)
        }
    }

    @Test("a stale writer is fenced off and the ledger stays unchanged")
    func fencing() async throws {
        let db = try await TestDatabase.make()
        try await withWriter(db) { writer, store in
            let stale = try await makeScene(store, holder: "node-a")
            _ = try await writer.append(request(stale))
            await #expect(throws: LedgerError.self) {
                _ = try await store.acquireLease(scene: stale.sceneID, holder: "node-b")
            }
            let fresh = try await store.acquireLease(scene: stale.sceneID, holder: "node-b", steal: true)
            #expect(fresh.epoch == stale.epoch + 1)
            let error = await #expect(throws: LedgerError.self) {
                _ = try await writer.append(request(stale))
            }
            #expect(error?.code == .fenced)
            #expect(try await store.headVersion(of: stale.sceneID) == 1)
            await #expect(throws: LedgerError.self) { try await store.renewLease(stale) }
            let ok = try await writer.append(request(fresh))
            #expect(ok.lastVersion == 2)
            #expect(try await store.verify(scene: stale.sceneID).isIntact)
        }
    }

    @Test("append(expectedVersion:) fails with a conflict when the head moved")
    func optimisticConcurrency() async throws {
        let db = try await TestDatabase.make()
        try await withWriter(db) { writer, store in
            let lease = try await makeScene(store)
            _ = try await writer.append(request(lease, expectedVersion: 0))
            let error = await #expect(throws: LedgerError.self) {
                _ = try await writer.append(request(lease, expectedVersion: 0))
            }
            #expect(error?.code == .conflict)
            let ok = try await writer.append(request(lease, expectedVersion: 1))
            #expect(ok.lastVersion == 2)
        }
    }

    @Test("one scene's failure does not fail another scene's appends in the same batch")
    func failureIsolation() async throws {
        let db = try await TestDatabase.make()
        // A long linger makes both appends land in one batch.
        try await withWriter(db, configuration: .init(maxBatchEvents: 100, lingerNanos: 50_000_000)) { writer, store in
            let good = try await makeScene(store)
            let stale = try await makeScene(store)
            _ = try await store.acquireLease(scene: stale.sceneID, holder: "other", steal: true)
            let a = Task { try await writer.append(request(good)) }
            let b = Task { () async -> Result<AppendResult, LedgerError> in
                do throws(LedgerError) { return .success(try await writer.append(request(stale))) } catch { return .failure(error) }
            }
            let okResult = try await a.value
            let staleResult = await b.value
            #expect(okResult.lastVersion == 1)
            guard case .failure(let e) = staleResult else { Issue.record("stale append succeeded"); return }
            #expect(e.code == .fenced)
        }
    }

    @Test("a batch that fails in the pipeline is written again, and the batches queued behind it keep their order")
    func pipelineFailure() async throws {
        let db = try await TestDatabase.make()
        // Tiny batches, pipelined from the first pending event, so a failure has batches behind it.
        let configuration = WriterBatchingConfiguration(maxBatchEvents: 4, lingerNanos: 0, pipelineMinEvents: 1)
        try await withWriter(db, configuration: configuration) { writer, store in
            let lease = try await makeScene(store)
            let stored = UUID()
            let original = try await writer.append(request(lease, command: stored))
            // 60 appends queued at once; number 30 retries the stored command, so its batch
            // fails on the unique index while the next one is already queued.
            let total = 60
            let (stream, done) = AsyncStream.makeStream(of: (Int, Result<AppendResult, LedgerError>).self)
            for i in 0..<total {
                let r = request(lease, command: i == 30 ? stored : UUID(), tag: i)
                writer.enqueue(r) { done.yield((i, $0)) }
            }
            var results: [Int: AppendResult] = [:]
            var order: [Int] = []
            for await (i, result) in stream {
                results[i] = try result.get()
                order.append(i)
                if results.count == total { break }
            }
            // Callers resume in queue order, and the retry gets the original.
            #expect(order == Array(0..<total))
            var retried = original
            retried.duplicate = true
            #expect(results[30] == retried)
            let fresh = (0..<total).filter { $0 != 30 }.map { results[$0]! }
            #expect(fresh.allSatisfy { !$0.duplicate })
            #expect(fresh.map(\.lastVersion) == Array(2...Int64(total)))
            let events = try await store.events(scene: lease.sceneID, afterVersion: 0)
            #expect(events.count == total)
            #expect(try await store.verify(scene: lease.sceneID).isIntact)
            let all = try await store.events(afterPosition: 0)
            #expect(all.map(\.position) == Array(1...Int64(all.count)))
            #expect(writer.statistics.failedAppends == 0)
            // The batch with the retry failed and the one queued behind it was skipped.
            #expect(writer.statistics.rewrittenBatches >= 2)
        }
    }
}
