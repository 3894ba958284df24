package import Foundation

extension LedgerStore {
    /// Records or updates a person's identity (only the fields given; nil keeps the old value).
    package func recordIdentity(actor: UUID, displayName: String?, email: String? = nil, ip: String? = nil)
        async throws(LedgerError)
    {
        _ = try await pool.withConnection { c throws(LedgerError) in
            try await c.query(
                """
                INSERT INTO actors (id, display_name, email, ip) VALUES ($1, $2, $3, $4)
                ON CONFLICT (id) DO UPDATE SET display_name = coalesce(EXCLUDED.display_name, actors.display_name),
                    email = coalesce(EXCLUDED.email, actors.email), ip = coalesce(EXCLUDED.ip, actors.ip)
                """,
                [actor.uuidString, displayName, email, ip]
            )
        }
    }

    /// The identity of each actor that has a row in `actors`.
    package func identities(_ actors: some Collection<UUID>) async throws(LedgerError) -> [UUID: ActorIdentity] {
        guard !actors.isEmpty else { return [:] }
        let list = "{" + actors.map(\.uuidString).joined(separator: ",") + "}"
        return try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                "SELECT id, display_name, email, ip, erased_at FROM actors WHERE id = ANY($1::uuid[])", [list]
            ) { r throws(LedgerError) in
                var out: [UUID: ActorIdentity] = [:]
                for i in 0..<r.rowCount {
                    let id = r.uuid(i, 0)
                    out[id] = ActorIdentity(
                        id: id, displayName: r.isNull(i, 1) ? nil : r.string(i, 1), email: r.isNull(i, 2) ? nil : r.string(i, 2),
                        ip: r.isNull(i, 3) ? nil : r.string(i, 3), erasedAtMicros: r.isNull(i, 4) ? nil : r.timestampMicros(i, 4)
                    )
                }
                return out
            }
        }
    }

    /// The scenes whose events or sessions name the actor, sorted by id.
    package func scenes(touchedBy actor: UUID) async throws(LedgerError) -> [UUID] {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                """
                SELECT DISTINCT scene_id FROM (
                    SELECT scene_id FROM events WHERE actor_id = $1
                    UNION SELECT scene_id FROM sessions WHERE actor_id = $1) s ORDER BY scene_id
                """,
                [actor.uuidString]
            ) { r throws(LedgerError) in (0..<r.rowCount).map { r.uuid($0, 0) } }
        }
    }

    /// Deletes the person's personal data. The `actors` row stays, empty but for its id and
    /// `erased_at`, because `sessions` refers to it. Returns false when the actor was unknown.
    @discardableResult
    package func eraseIdentity(actor: UUID) async throws(LedgerError) -> Bool {
        let rows = try await pool.withConnection { c throws(LedgerError) in
            try await c.query(
                """
                INSERT INTO actors (id, erased_at) VALUES ($1, now())
                ON CONFLICT (id) DO UPDATE SET display_name = NULL, email = NULL, ip = NULL,
                    erased_at = coalesce(actors.erased_at, now())
                RETURNING (xmax <> 0)
                """,
                [actor.uuidString]
            )
        }
        return rows.first?[0] == "t"
    }
}
