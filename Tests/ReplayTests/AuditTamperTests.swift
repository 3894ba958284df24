import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing

/// Each kind of tampering, made with superuser SQL that bypasses the append-only trigger,
/// found at the right place by the live verify and by the offline verify of an export.
@Suite("Audit: tampering found live and in exports")
struct AuditTamperTests {
    struct Found: Equatable {
        var live: ChainBreak.Kind?
        var liveVersion: Int64?
        var file: AuditBreak.Kind?
        var fileVersion: Int64?
    }

    /// Exports the scene after tampering and verifies the file offline.
    func find(_ f: ReplayFixture) async throws -> Found {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = try AuditSigningKey.loadOrCreate(path: folder + "/key")
        return try await f.withStore { store in
            let live = try await store.verify(scene: f.scene)
            let result = try await AuditExporter(store: store, key: key)
                .export(AuditSelection(filter: .scene, id: f.scene), format: .jsonl, to: folder + "/scene.jsonl")
            #expect(!result.chainBreaks.isEmpty)
            let report = try AuditFileVerifier().verify(file: folder + "/scene.jsonl")
            return Found(
                live: live.firstBreak?.kind, liveVersion: live.firstBreak?.version, file: report.firstBreak?.kind,
                fileVersion: report.firstBreak?.version)
        }
    }

    @Test("a changed row is found as altered at its version")
    func changed() async throws {
        let f = try await ReplayFixture.make()
        try await f.tamper("UPDATE events SET payload = '{\"name\":\"forged\"}' WHERE scene_id = '\(f.scene)' AND version = 1")
        #expect(try await find(f) == Found(live: .altered, liveVersion: 1, file: .altered, fileVersion: 1))
    }

    @Test("a changed row in the middle is found at its version, not before")
    func changedMiddle() async throws {
        let f = try await ReplayFixture.make()
        try await f.tamper("UPDATE events SET client_time_ms = client_time_ms + 1 WHERE scene_id = '\(f.scene)' AND version = 12")
        #expect(try await find(f) == Found(live: .altered, liveVersion: 12, file: .altered, fileVersion: 12))
    }

    @Test("a deleted row is found as missing at the next version")
    func deleted() async throws {
        let f = try await ReplayFixture.make()
        try await f.tamper("DELETE FROM events WHERE scene_id = '\(f.scene)' AND version = 9")
        #expect(try await find(f) == Found(live: .missing, liveVersion: 10, file: .missing, fileVersion: 10))
    }

    @Test("reordered rows are found as a broken link where the order changes")
    func reordered() async throws {
        let f = try await ReplayFixture.make()
        try await f.tamper(
            """
            UPDATE events SET version = version + 1000 WHERE scene_id = '\(f.scene)' AND version IN (7, 8);
            UPDATE events SET version = 1015 - version WHERE scene_id = '\(f.scene)' AND version IN (1007, 1008)
            """)
        #expect(try await find(f) == Found(live: .brokenLink, liveVersion: 7, file: .brokenLink, fileVersion: 7))
    }

    @Test("an inserted row with a self-consistent hash breaks the link of the row after it")
    func inserted() async throws {
        let f = try await ReplayFixture.make()
        var forged = f.events[2]
        forged.payload = Array("{\"name\":\"forged\"}".utf8)
        forged.type = "scene.created"
        forged.commandID = UUID()
        forged.prevHash = f.events[1].hash
        forged.hash = forged.computedHash
        try await f.tamper(
            """
            UPDATE events SET version = version + 100 WHERE scene_id = '\(f.scene)' AND version >= 3;
            UPDATE events SET version = version - 99 WHERE scene_id = '\(f.scene)' AND version >= 103;
            INSERT INTO events SELECT 999999, scene_id, 3, session_id, actor_id, '\(forged.commandID)', 0, 'scene.created',
                schema_version, '{"name":"forged"}', client_time_ms, \(recordedAtSQL(forged.recordedAtMicros)), '\\x\(Hex.encode(forged.prevHash))',
                '\\x\(Hex.encode(forged.hash))' FROM events WHERE scene_id = '\(f.scene)' AND version = 2
            """)
        // The forged row (version 3) hashes, but the next row still points at version 2.
        let found = try await find(f)
        #expect(found == Found(live: .brokenLink, liveVersion: 4, file: .brokenLink, fileVersion: 4), "\(found)")
    }

    func recordedAtSQL(_ micros: Int64) -> String {
        "('epoch'::timestamptz + \(micros / 1_000_000) * interval '1 second' + \(micros % 1_000_000) * interval '1 microsecond')"
    }

    @Test("a session export finds a changed row of its own at its version")
    func filtered() async throws {
        let f = try await ReplayFixture.make()
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = try AuditSigningKey.loadOrCreate(path: folder + "/key")
        let annRow = try #require(f.events.last { $0.sessionID == f.ann && $0.type == "device.moved" })
        try await f.tamper("UPDATE events SET payload = '{\"id\":\"\(f.devices[0].id.uuidString.lowercased())\",\"position\":[9,9,9]}' WHERE scene_id = '\(f.scene)' AND version = \(annRow.version)")
        let report = try await f.withStore { store in
            _ = try await AuditExporter(store: store, key: key)
                .export(AuditSelection(filter: .session, id: f.ann), format: .csv, to: folder + "/ann.csv")
            return try AuditFileVerifier().verify(file: folder + "/ann.csv")
        }
        #expect(report.firstBreak?.kind == .altered)
        #expect(report.firstBreak?.version == annRow.version)
    }

    @Test("a session export cannot see a row deleted between its rows, but the signed manifest records the break the exporter found")
    func filteredGap() async throws {
        let f = try await ReplayFixture.make()
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = try AuditSigningKey.loadOrCreate(path: folder + "/key")
        let annRow = try #require(f.events.first { $0.sessionID == f.ann && $0.type == "device.moved" })
        try await f.tamper("DELETE FROM events WHERE scene_id = '\(f.scene)' AND version = \(annRow.version)")
        let report = try await f.withStore { store in
            let result = try await AuditExporter(store: store, key: key)
                .export(AuditSelection(filter: .session, id: f.bob), format: .jsonl, to: folder + "/bob.jsonl")
            #expect(result.chainBreaks.count == 1)
            return try AuditFileVerifier().verify(file: folder + "/bob.jsonl")
        }
        #expect(report.firstBreak?.kind == .chainBrokenAtExport)
        #expect(report.firstBreak?.message.contains("version \(annRow.version + 1)") == true)
    }
}
