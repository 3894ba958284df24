package import Foundation

extension LedgerStore {
    /// The recorded times (microseconds) of a scene's events from `fromVersion` through
    /// `throughVersion`, sampled evenly by version to about `count` (the first and the last
    /// always included), in version order: a replay timeline's marks. One indexed query,
    /// so a session of a million events costs no more than a small one.
    package func eventTimes(scene: UUID, fromVersion: Int64, throughVersion: Int64, count: Int) async throws(LedgerError) -> [Int64] {
        guard throughVersion >= fromVersion, count > 0 else { return [] }
        let total = throughVersion - fromVersion
        let step = count > 1 ? max(1, (total + Int64(count) - 2) / Int64(count - 1)) : max(1, total + 1)
        return try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                """
                SELECT recorded_at FROM events
                WHERE scene_id = $1 AND version IN (SELECT generate_series($2::bigint, $3::bigint, $4::bigint) UNION SELECT $3::bigint)
                ORDER BY version
                """,
                [scene.uuidString, String(fromVersion), String(throughVersion), String(step)],
                LedgerStore.decodeTimes
            )
        }
    }

    @Sendable static func decodeTimes(_ r: borrowing PGResult) throws(LedgerError) -> [Int64] {
        (0..<r.rowCount).map { r.timestampMicros($0, 0) }
    }
}
