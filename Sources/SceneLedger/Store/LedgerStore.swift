package import Foundation
package import Logging

/// Summary of one scene, for listings and health.
package struct SceneSummary: Sendable, Equatable {
    package var id: UUID
    package var name: String
    package var headVersion: Int64
    package var createdAtMicros: Int64
}

/// The read side of the ledger and its bookkeeping tables: scenes, leases, sessions,
/// actors, snapshots and verification. Appends go through `LedgerWriter`.
package final class LedgerStore: Sendable {
    package let conninfo: String
    package let pool: PGPool
    package let logger: Logger

    package init(conninfo: String, poolSize: Int = 4, logger: Logger) {
        self.conninfo = conninfo
        self.pool = PGPool(conninfo: conninfo, maxConnections: poolSize, logger: logger)
        self.logger = logger
    }

    package func close() async {
        await pool.close()
    }

    /// Applies pending migrations.
    package func migrate() async throws(LedgerError) -> [Int] {
        let migrator = try Migrator.bundled(logger: logger)
        return try await pool.withConnection { connection throws(LedgerError) in
            try await migrator.migrate(connection)
        }
    }

    /// True when the database answers.
    package func ping() async -> Bool {
        (try? await pool.withConnection { c throws(LedgerError) in try await c.query("SELECT 1").rows.count }) == 1
    }

    // MARK: - Scenes

    /// Registers a scene. Its first event (`scene.created`) is appended by the caller.
    package func createScene(id: UUID, name: String) async throws(LedgerError) {
        _ = try await pool.withConnection { c throws(LedgerError) in
            try await c.query(
                "INSERT INTO scenes (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", [id.uuidString, name]
            )
        }
    }

    package func listScenes() async throws(LedgerError) -> [SceneSummary] {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                """
                SELECT s.id, s.name, coalesce(l.head_version, 0), s.created_at
                FROM scenes s LEFT JOIN scene_leases l ON l.scene_id = s.id ORDER BY s.created_at, s.id
                """
            ) { r throws(LedgerError) in
                (0..<r.rowCount).map {
                    SceneSummary(id: r.uuid($0, 0), name: r.string($0, 1), headVersion: r.int64($0, 2), createdAtMicros: r.timestampMicros($0, 3))
                }
            }
        }
    }

    package func scene(_ id: UUID) async throws(LedgerError) -> SceneSummary? {
        try await listScenes().first { $0.id == id }
    }

    /// The version of a scene's last committed event (0 for none).
    package func headVersion(of scene: UUID) async throws(LedgerError) -> Int64 {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                "SELECT coalesce(max(version), 0) FROM events WHERE scene_id = $1", [scene.uuidString]
            ) { r throws(LedgerError) in r.int64(0, 0) }
        }
    }

    /// The global position of the last committed event (0 for none).
    package func headPosition() async throws(LedgerError) -> Int64 {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult("SELECT position FROM ledger_head") { r throws(LedgerError) in r.int64(0, 0) }
        }
    }

    // MARK: - Leases

    /// Takes the scene's writer lease. Succeeds when the lease is free, expired or already
    /// ours; with `steal`, takes it regardless (an operator's takeover). Every success
    /// increments the epoch, fencing off whoever held it before.
    package func acquireLease(scene: UUID, holder: String, ttlSeconds: Int = 30, steal: Bool = false)
        async throws(LedgerError) -> SceneLease
    {
        let rows = try await pool.withConnection { c throws(LedgerError) in
            try await c.query(
                """
                INSERT INTO scene_leases (scene_id, holder, epoch, expires_at, head_version)
                VALUES ($1, $2, 1, now() + make_interval(secs => $3::int),
                        (SELECT coalesce(max(version), 0) FROM events WHERE scene_id = $1))
                ON CONFLICT (scene_id) DO UPDATE
                    SET holder = EXCLUDED.holder, epoch = scene_leases.epoch + 1, expires_at = EXCLUDED.expires_at
                    WHERE scene_leases.expires_at < now() OR scene_leases.holder = EXCLUDED.holder OR $4::boolean
                RETURNING epoch
                """,
                [scene.uuidString, holder, String(ttlSeconds), steal ? "true" : "false"]
            )
        }
        guard let epochText = rows.first?[0], let epoch = Int64(epochText) else {
            if try await self.scene(scene) == nil {
                throw LedgerError(.notFound, "Scene \(scene) does not exist")
            }
            throw LedgerError(.fenced, "Scene \(scene) is hosted by another process; its lease has not expired")
        }
        return SceneLease(sceneID: scene, holder: holder, epoch: epoch)
    }

    /// Extends a held lease. Fails with `fenced` when another holder has taken it.
    package func renewLease(_ lease: SceneLease, ttlSeconds: Int = 30) async throws(LedgerError) {
        let rows = try await pool.withConnection { c throws(LedgerError) in
            try await c.query(
                "UPDATE scene_leases SET expires_at = now() + make_interval(secs => $3::int) WHERE scene_id = $1 AND epoch = $2",
                [lease.sceneID.uuidString, String(lease.epoch), String(ttlSeconds)]
            )
        }
        guard rows.affected == 1 else {
            throw LedgerError(.fenced, "The lease on scene \(lease.sceneID) (epoch \(lease.epoch)) was taken over")
        }
    }

    /// Lets the lease expire now so another process can take the scene at once.
    package func releaseLease(_ lease: SceneLease) async {
        _ = try? await pool.withConnection { c throws(LedgerError) in
            try await c.query(
                "UPDATE scene_leases SET expires_at = now() WHERE scene_id = $1 AND epoch = $2",
                [lease.sceneID.uuidString, String(lease.epoch)]
            )
        }
    }

    // MARK: - Reading events

    /// SQL turning a bigint parameter of Unix microseconds into a timestamptz exactly
    /// (whole seconds and the remaining microseconds are each exact in float8).
    static func timestamp(fromMicros parameter: String) -> String {
        "('epoch'::timestamptz + (\(parameter)::bigint / 1000000) * interval '1 second' + (\(parameter)::bigint % 1000000) * interval '1 microsecond')"
    }

    static let eventColumns = """
        position, scene_id, version, session_id, actor_id, command_id, command_seq, type, schema_version,
        payload, client_time_ms, recorded_at, prev_hash, hash
        """

    /// A scene's events with `version > afterVersion` (and `<= throughVersion`), in order.
    package func events(scene: UUID, afterVersion: Int64, throughVersion: Int64 = .max, limit: Int = 10_000)
        async throws(LedgerError) -> [RecordedEvent]
    {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                """
                SELECT \(LedgerStore.eventColumns) FROM events
                WHERE scene_id = $1 AND version > $2 AND version <= $3 ORDER BY version LIMIT $4
                """,
                [scene.uuidString, String(afterVersion), String(throughVersion), String(limit)],
                LedgerStore.decodeEvents
            )
        }
    }

    /// A scene's events recorded at or before time T (microseconds since the Unix epoch),
    /// after `afterVersion`, in order. `recorded_at` never decreases within a scene, so this
    /// is a prefix of the scene's history.
    package func events(scene: UUID, afterVersion: Int64 = 0, recordedUpToMicros time: Int64, limit: Int = 10_000)
        async throws(LedgerError) -> [RecordedEvent]
    {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                """
                SELECT \(LedgerStore.eventColumns) FROM events
                WHERE scene_id = $1 AND version > $2 AND recorded_at <= \(LedgerStore.timestamp(fromMicros: "$3"))
                ORDER BY version LIMIT $4
                """,
                [scene.uuidString, String(afterVersion), String(time), String(limit)],
                LedgerStore.decodeEvents
            )
        }
    }

    /// Events of every scene with `position > afterPosition`, in commit order.
    package func events(afterPosition: Int64, limit: Int = 10_000) async throws(LedgerError) -> [RecordedEvent] {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                "SELECT \(LedgerStore.eventColumns) FROM events WHERE position > $1 ORDER BY position LIMIT $2",
                [String(afterPosition), String(limit)],
                LedgerStore.decodeEvents
            )
        }
    }

    @Sendable static func decodeEvents(_ r: borrowing PGResult) throws(LedgerError) -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        events.reserveCapacity(r.rowCount)
        for i in 0..<r.rowCount {
            events.append(
                RecordedEvent(
                    position: r.int64(i, 0), sceneID: r.uuid(i, 1), version: r.int64(i, 2), sessionID: r.uuid(i, 3),
                    actorID: r.uuid(i, 4), commandID: r.uuid(i, 5), commandSeq: r.int16(i, 6), type: r.string(i, 7),
                    schemaVersion: r.int16(i, 8), payload: r.byteArray(i, 9), clientTimeMillis: r.int64(i, 10),
                    recordedAtMicros: r.timestampMicros(i, 11), prevHash: r.byteArray(i, 12), hash: r.byteArray(i, 13)
                )
            )
        }
        return events
    }

    // MARK: - Verification

    /// Walks the scene's whole chain in pages and reports the first broken link.
    package func verify(scene: UUID, pageSize: Int = 20_000) async throws(LedgerError) -> ChainReport {
        var verifier = ChainVerifier()
        var after: Int64 = 0
        while true {
            // Page by version order, but read *all* rows at or after the cursor so that a
            // missing version shows up as a gap rather than being skipped.
            let page = try await events(scene: scene, afterVersion: after, limit: pageSize)
            for event in page {
                if let broken = verifier.check(event) {
                    return ChainReport(checked: verifier.checked, headHash: verifier.headHash, firstBreak: broken)
                }
            }
            guard page.count == pageSize, let last = page.last else { break }
            after = last.version
        }
        return ChainReport(checked: verifier.checked, headHash: verifier.headHash, firstBreak: nil)
    }
}
