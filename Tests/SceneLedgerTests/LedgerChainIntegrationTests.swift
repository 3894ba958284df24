import Foundation
import ScenecastTestSupport
import Testing
@testable import SceneLedger

@Suite("Hash chain, immutability and subscriptions against PostgreSQL")
struct LedgerChainIntegrationTests {
    /// Appends `count` single-event commands and returns the scene.
    func seeded(_ db: TestDatabase, count: Int) async throws -> UUID {
        try await withWriter(db) { writer, store in
            let lease = try await makeScene(store)
            for i in 0..<count { _ = try await writer.append(request(lease, tag: i)) }
            return lease.sceneID
        }
    }

    func tamper(_ db: TestDatabase, _ sql: String) async throws {
        let su = try await db.superuser()
        // Superuser SQL that bypasses the append-only trigger, as an attacker with
        // database access could.
        try await su.exec("SET session_replication_role = replica; \(sql); SET session_replication_role = origin")
        await su.close()
    }

    func report(_ db: TestDatabase, _ scene: UUID) async throws -> ChainReport {
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        defer { Task { await store.close() } }
        return try await store.verify(scene: scene)
    }

    @Test("the database refuses UPDATE, DELETE and TRUNCATE on events")
    func appendOnly() async throws {
        let db = try await TestDatabase.make()
        let scene = try await seeded(db, count: 3)
        let c = try await PGConnection.connect(db.conninfo, logger: db.logger)
        for sql in [
            "UPDATE events SET type = 'x' WHERE scene_id = '\(scene)'",
            "DELETE FROM events WHERE version = 2",
            "TRUNCATE events",
        ] {
            let error = await #expect(throws: LedgerError.self) { try await c.exec(sql) }
            #expect((error?.underlying as? PGServerError)?.sqlState == "SC403")
        }
        await c.close()
        #expect(try await report(db, scene) == ChainReport(checked: 3, headHash: try await report(db, scene).headHash, firstBreak: nil))
    }

    @Test("an altered payload is found at its version")
    func alteredRow() async throws {
        let db = try await TestDatabase.make()
        let scene = try await seeded(db, count: 10)
        try await tamper(db, "UPDATE events SET payload = '{\"i\":0,\"tag\":999}' WHERE scene_id = '\(scene)' AND version = 6")
        let r = try await report(db, scene)
        #expect(r.firstBreak?.kind == .altered)
        #expect(r.firstBreak?.version == 6)
        #expect(r.checked == 5)
    }

    @Test("a deleted row is found as missing versions")
    func deletedRow() async throws {
        let db = try await TestDatabase.make()
        let scene = try await seeded(db, count: 10)
        try await tamper(db, "DELETE FROM events WHERE scene_id = '\(scene)' AND version = 4")
        let r = try await report(db, scene)
        #expect(r.firstBreak?.kind == .missing)
        #expect(r.firstBreak?.version == 5)
    }

    @Test("swapped rows are found as a broken link")
    func reorderedRows() async throws {
        let db = try await TestDatabase.make()
        let scene = try await seeded(db, count: 10)
        try await tamper(
            db,
            """
            UPDATE events SET version = version + 1000 WHERE scene_id = '\(scene)' AND version IN (7, 8);
            UPDATE events SET version = 1015 - version WHERE scene_id = '\(scene)' AND version IN (1007, 1008)
            """
        )
        let r = try await report(db, scene)
        #expect(r.firstBreak?.kind == .brokenLink)
        #expect(r.firstBreak?.version == 7)
    }

    @Test("an inserted row with a recomputed hash still breaks the next link")
    func insertedRow() async throws {
        let db = try await TestDatabase.make()
        let scene = try await seeded(db, count: 5)
        // Shift versions 3...5 up and forge a version 3 whose own hash is self-consistent.
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let original = try await store.events(scene: scene, afterVersion: 0)
        await store.close()
        var forged = original[2]
        forged.payload = Array("{\"forged\":true}".utf8)
        forged.prevHash = original[1].hash
        forged.hash = forged.computedHash
        try await tamper(
            db,
            """
            UPDATE events SET version = version + 100 WHERE scene_id = '\(scene)' AND version >= 3;
            UPDATE events SET version = version - 99 WHERE scene_id = '\(scene)' AND version >= 103;
            INSERT INTO events SELECT 999999, scene_id, 3, session_id, actor_id, gen_random_uuid(), 0, type,
                schema_version, '{"forged":true}', client_time_ms, recorded_at, '\\x\(Hex.encode(forged.prevHash))',
                '\\x\(Hex.encode(forged.hash))' FROM events WHERE scene_id = '\(scene)' AND version = 2
            """
        )
        let r = try await report(db, scene)
        #expect(r.firstBreak?.kind == .altered || r.firstBreak?.kind == .brokenLink)
        #expect(r.firstBreak?.version == 3 || r.firstBreak?.version == 4)
    }

    @Test("a subscription racing concurrent writers sees every event once, in order")
    func subscriptionRace() async throws {
        let db = try await TestDatabase.make()
        let notifier = LedgerNotifier(conninfo: db.conninfo, heartbeatMillis: 200, logger: db.logger)
        let notifierTask = Task { try await notifier.run() }
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        // Several writers, each its own connection, as separate processes would be.
        let writers = (0..<4).map { _ in LedgerWriter(conninfo: db.conninfo, logger: db.logger) }
        let runners = writers.map { w in Task { try await w.run() } }
        var leases: [SceneLease] = []
        for _ in 0..<8 { leases.append(try await makeScene(store)) }
        let total = 8 * 60
        let subscription = store.subscribe(afterPosition: 0, notifier: notifier)
        let reader = Task {
            var seen: [RecordedEvent] = []
            for try await event in subscription {
                seen.append(event)
                if seen.count == total { break }
            }
            return seen
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, lease) in leases.enumerated() {
                let writer = writers[i % writers.count]
                group.addTask {
                    for n in 0..<60 { _ = try await writer.append(request(lease, tag: n)) }
                }
            }
            try await group.waitForAll()
        }
        let seen = try await reader.value
        #expect(seen.map(\.position) == Array(1...Int64(total)))
        for lease in leases {
            let versions = seen.filter { $0.sceneID == lease.sceneID }.map(\.version)
            #expect(versions == Array(1...60))
        }
        // A subscription started later catches up from a position and then goes live.
        let late = store.subscribe(scene: leases[0].sceneID, afterVersion: 55, notifier: notifier)
        let lateReader = Task {
            var versions: [Int64] = []
            for try await e in late {
                versions.append(e.version)
                if versions.count == 7 { break }
            }
            return versions
        }
        _ = try await writers[0].append(request(leases[0]))
        _ = try await writers[0].append(request(leases[0]))
        #expect(try await lateReader.value == [56, 57, 58, 59, 60, 61, 62])
        for w in writers { w.beginShutdown() }
        for r in runners { try await r.value }
        notifierTask.cancel()
        _ = try? await notifierTask.value
        await store.close()
    }
}

@Suite("Reading by time against PostgreSQL")
struct LedgerTimeIntegrationTests {
    @Test("events up to T, snapshots and state-at-T agree with a full fold, to the microsecond")
    func upToTime() async throws {
        let db = try await TestDatabase.make()
        let (scene, all) = try await withWriter(db) { writer, store in
            let lease = try await makeScene(store)
            var appended: [AppendResult] = []
            for i in 0..<30 {
                appended.append(
                    try await writer.append(
                        AppendRequest(
                            lease: lease, sessionID: UUID(), actorID: UUID(), commandID: UUID(), clientTimeMillis: Int64(i),
                            events: [NewEvent(.sceneCreated(name: "name \(i)"))]
                        )
                    )
                )
            }
            return (lease.sceneID, try await store.events(scene: lease.sceneID, afterVersion: 0))
        }
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        // Snapshots every 7 events.
        let written = try await store.catchUpSnapshots(scene: scene, policy: SnapshotPolicy(everyEvents: 7))
        #expect(written == 4)
        for cut in [0, 6, 7, 13, 14, 29] {
            let t = all[cut].recordedAtMicros
            let upTo = try await store.events(scene: scene, recordedUpToMicros: t)
            // Everything recorded by then, exactly: later events share T only if recorded together.
            #expect(upTo.allSatisfy { $0.recordedAtMicros <= t })
            #expect(upTo.count == all.filter { $0.recordedAtMicros <= t }.count)
            let state = try await store.state(scene: scene, atTimeMicros: t)
            let full = try SceneState.fold(sceneID: scene, upTo)
            #expect(state.stateHash == full.stateHash)
            #expect(state.version == upTo.last?.version)
        }
        // Before the first event there is nothing.
        let before = try await store.events(scene: scene, recordedUpToMicros: all[0].recordedAtMicros - 1)
        #expect(before.isEmpty)
        await store.close()
    }

    @Test("a session's span reaches its last event, even one recorded after the session row was closed")
    func sessionSpanCoversLastEvent() async throws {
        let db = try await TestDatabase.make()
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let session = UUID()
        let (scene, last) = try await withWriter(db) { writer, store in
            let lease = try await makeScene(store)
            try await store.recordSession(id: session, scene: lease.sceneID, actor: UUID(), name: "driver", role: "driver")
            func append(_ i: Int) async throws -> AppendResult {
                try await writer.append(
                    AppendRequest(
                        lease: lease, sessionID: session, actorID: UUID(), commandID: UUID(), clientTimeMillis: Int64(i),
                        events: [NewEvent(.sceneCreated(name: "name \(i)"))]))
            }
            _ = try await append(0)
            // The row is closed first, and the leave's event committed just after: as a host does.
            await store.endSession(id: session)
            try await Task.sleep(for: .milliseconds(20))
            return (lease.sceneID, try await append(1))
        }
        let info = try #require(try await store.session(session))
        #expect(info.sceneID == scene && info.lastVersion == last.lastVersion)
        let end = try #require(info.endMicros)
        #expect(end >= last.recordedAtMicros, "the span ends at \(end), before its last event at \(last.recordedAtMicros)")
        await store.close()
    }
}
