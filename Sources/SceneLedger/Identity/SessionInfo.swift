package import Foundation

/// One session (a joined connection, the participant id in events) and the stretch of its
/// scene's history it spans, for replay and filtered audit exports.
package struct SessionInfo: Sendable, Equatable {
    package var id: UUID
    package var sceneID: UUID
    package var actorID: UUID?
    package var role: String?
    /// When the session started: the earlier of its `sessions` row and its first event.
    package var startMicros: Int64
    /// When it ended: `ended_at`, or its last event when that was recorded later (the
    /// ledger stamps a leave's event when it commits it, after the row is closed); its last
    /// event for sessions without a row; nil while open.
    package var endMicros: Int64?
    /// The versions of the scene's events the session spans: from its first event to its last
    /// (or the scene's head while it is open).
    package var firstVersion: Int64
    package var lastVersion: Int64
}

extension LedgerStore {
    /// The session with this id: from `sessions` when it joined through the server, else
    /// from its events (seeders and tools append under a session id with no row). Nil when
    /// neither knows it.
    package func session(_ id: UUID) async throws(LedgerError) -> SessionInfo? {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                """
                WITH ev AS (
                    SELECT scene_id, min(version) AS first_v, max(version) AS last_v,
                           min(recorded_at) AS first_t, max(recorded_at) AS last_t
                    FROM events WHERE session_id = $1 GROUP BY scene_id ORDER BY min(position) LIMIT 1),
                se AS (SELECT scene_id, actor_id, role, started_at, ended_at FROM sessions WHERE id = $1)
                SELECT coalesce(se.scene_id, ev.scene_id), se.actor_id, se.role,
                       least(se.started_at, ev.first_t),
                       CASE WHEN se.scene_id IS NULL THEN ev.last_t WHEN se.ended_at IS NULL THEN NULL
                            ELSE greatest(se.ended_at, ev.last_t) END,
                       se.scene_id IS NOT NULL AND se.ended_at IS NULL, ev.first_v, ev.last_v,
                       (SELECT coalesce(max(version), 0) FROM events e WHERE e.scene_id = coalesce(se.scene_id, ev.scene_id))
                FROM se FULL JOIN ev ON true
                """,
                [id.uuidString]
            ) { r throws(LedgerError) -> SessionInfo? in
                guard r.rowCount == 1, !r.isNull(0, 0) else { return nil }
                let open = r.bytes(0, 5).first == 1
                let head = r.int64(0, 8)
                let first = r.isNull(0, 6) ? head : r.int64(0, 6)
                let last = open || r.isNull(0, 7) ? head : r.int64(0, 7)
                return SessionInfo(
                    id: id, sceneID: r.uuid(0, 0), actorID: r.isNull(0, 1) ? nil : r.uuid(0, 1),
                    role: r.isNull(0, 2) ? nil : r.string(0, 2), startMicros: r.timestampMicros(0, 3),
                    endMicros: r.isNull(0, 4) ? nil : r.timestampMicros(0, 4), firstVersion: first, lastVersion: last
                )
            }
        }
    }

}
