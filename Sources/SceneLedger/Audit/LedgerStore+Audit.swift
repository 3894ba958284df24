package import Foundation

/// What an audit export selects: one scene, one session or one actor, within a time range.
package struct AuditSelection: Sendable, Equatable {
    package var filter: AuditManifest.Filter
    package var id: UUID
    /// Inclusive bounds on `recorded_at`, microseconds since the Unix epoch.
    package var fromMicros: Int64?
    package var toMicros: Int64?

    package init(filter: AuditManifest.Filter, id: UUID, fromMicros: Int64? = nil, toMicros: Int64? = nil) {
        self.filter = filter
        self.id = id
        self.fromMicros = fromMicros
        self.toMicros = toMicros
    }
}

extension LedgerStore {
    /// The next page of selected events after `cursor`: a version for a scene (rows in
    /// version order), a position for a session or an actor (rows in commit order).
    package func auditPage(_ selection: AuditSelection, after cursor: Int64, limit: Int) async throws(LedgerError)
        -> [RecordedEvent]
    {
        var conditions: [String]
        let order: String
        switch selection.filter {
        case .scene:
            conditions = ["scene_id = $1", "version > $2"]
            order = "version"
        case .session:
            conditions = ["session_id = $1", "position > $2"]
            order = "position"
        case .actor:
            conditions = ["actor_id = $1", "position > $2"]
            order = "position"
        }
        var params: [String?] = [selection.id.uuidString, String(cursor), String(limit)]
        if let from = selection.fromMicros {
            params.append(String(from))
            conditions.append("recorded_at >= \(LedgerStore.timestamp(fromMicros: "$\(params.count)"))")
        }
        if let to = selection.toMicros {
            params.append(String(to))
            conditions.append("recorded_at <= \(LedgerStore.timestamp(fromMicros: "$\(params.count)"))")
        }
        let sql = """
            SELECT \(LedgerStore.eventColumns) FROM events WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(order) LIMIT $3
            """
        return try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(sql, params, LedgerStore.decodeEvents)
        }
    }

    /// How many events the selection holds (for progress).
    package func auditCount(_ selection: AuditSelection) async throws(LedgerError) -> Int64 {
        let column = switch selection.filter {
        case .scene: "scene_id"
        case .session: "session_id"
        case .actor: "actor_id"
        }
        var sql = "SELECT count(*) FROM events WHERE \(column) = $1"
        var params: [String?] = [selection.id.uuidString]
        if let from = selection.fromMicros {
            params.append(String(from))
            sql += " AND recorded_at >= \(LedgerStore.timestamp(fromMicros: "$\(params.count)"))"
        }
        if let to = selection.toMicros {
            params.append(String(to))
            sql += " AND recorded_at <= \(LedgerStore.timestamp(fromMicros: "$\(params.count)"))"
        }
        return try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(sql, params) { r throws(LedgerError) in r.int64(0, 0) }
        }
    }
}
