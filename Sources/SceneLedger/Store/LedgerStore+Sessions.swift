package import Foundation

extension LedgerStore {
    /// Records who joined: the person's display name, email and IP address go to `actors`
    /// (erasable personal data; nil or empty keeps what is there), the connection to
    /// `sessions`. Events only ever carry the actor id.
    package func recordSession(
        id: UUID, scene: UUID, actor: UUID, name: String, role: String, email: String? = nil, ip: String? = nil
    ) async throws(LedgerError) {
        _ = try await pool.withConnection { c throws(LedgerError) in
            _ = try await c.query(
                """
                INSERT INTO actors (id, display_name, email, ip) VALUES ($1, nullif($2, ''), nullif($3, ''), nullif($4, ''))
                ON CONFLICT (id) DO UPDATE SET display_name = coalesce(EXCLUDED.display_name, actors.display_name),
                    email = coalesce(EXCLUDED.email, actors.email), ip = coalesce(EXCLUDED.ip, actors.ip)
                """,
                [actor.uuidString, name, email, ip]
            )
            return try await c.query(
                "INSERT INTO sessions (id, scene_id, actor_id, role) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
                [id.uuidString, scene.uuidString, actor.uuidString, role]
            )
        }
    }

    package func endSession(id: UUID) async {
        _ = try? await pool.withConnection { c throws(LedgerError) in
            try await c.query("UPDATE sessions SET ended_at = now() WHERE id = $1 AND ended_at IS NULL", [id.uuidString])
        }
    }
}
