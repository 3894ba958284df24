package import Foundation

/// A stored snapshot's header.
package struct SnapshotInfo: Sendable, Equatable {
    package var version: Int64
    package var recordedAtMicros: Int64
    package var stateHash: [UInt8]
}

extension LedgerStore {
    package static let snapshotCodec = "zstd+json"

    /// Stores the state as a snapshot at its version (idempotent).
    package func writeSnapshot(_ state: SceneState) async throws(LedgerError) {
        let bytes = try SnapshotCodec.encode(state)
        let hash = state.stateHash
        _ = try await pool.withConnection { c throws(LedgerError) in
            try await c.query(
                """
                INSERT INTO snapshots (scene_id, version, recorded_at, state_hash, codec, state)
                VALUES ($1, $2, \(LedgerStore.timestamp(fromMicros: "$3")) , decode($4, 'hex'), $5, decode($6, 'hex'))
                ON CONFLICT (scene_id, version) DO NOTHING
                """,
                [
                    state.sceneID.uuidString, String(state.version), String(state.sceneTimeMicros), Hex.encode(hash),
                    LedgerStore.snapshotCodec, Hex.encode(bytes),
                ]
            )
        }
    }

    /// The newest snapshot at or before a version or a time, decoded and checked against
    /// its stored state hash.
    package func snapshot(scene: UUID, atOrBeforeVersion version: Int64 = .max, atOrBeforeTimeMicros time: Int64 = .max)
        async throws(LedgerError) -> SceneState?
    {
        let found: (SnapshotInfo, [UInt8])? = try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                """
                SELECT version, recorded_at, state_hash, codec, state FROM snapshots
                WHERE scene_id = $1 AND version <= $2 AND recorded_at <= \(LedgerStore.timestamp(fromMicros: "$3"))
                ORDER BY version DESC LIMIT 1
                """,
                [scene.uuidString, String(version), String(min(time, 32_503_680_000_000_000))]
            ) { r throws(LedgerError) -> (SnapshotInfo, [UInt8])? in
                guard r.rowCount == 1 else { return nil }
                guard r.string(0, 3) == LedgerStore.snapshotCodec else {
                    throw LedgerError(.decoding, "Snapshot codec \(r.string(0, 3)) is not supported by this build")
                }
                return (
                    SnapshotInfo(version: r.int64(0, 0), recordedAtMicros: r.timestampMicros(0, 1), stateHash: r.byteArray(0, 2)),
                    r.byteArray(0, 4)
                )
            }
        }
        guard let (info, bytes) = found else { return nil }
        let state = try SnapshotCodec.decode(bytes)
        guard state.stateHash == info.stateHash, state.version == info.version else {
            throw LedgerError(.decoding, "Snapshot of scene \(scene) at version \(info.version) does not match its state hash")
        }
        return state
    }

    /// The version of the first snapshot after `version`, if any: an upper bound for
    /// time-bounded scans.
    func nextSnapshotVersion(scene: UUID, after version: Int64) async throws(LedgerError) -> Int64? {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                "SELECT min(version) FROM snapshots WHERE scene_id = $1 AND version > $2", [scene.uuidString, String(version)]
            ) { r throws(LedgerError) in r.isNull(0, 0) ? nil : r.int64(0, 0) }
        }
    }

    /// The scene as it was after `version`: the newest snapshot at or before it plus the
    /// events after the snapshot.
    package func state(scene: UUID, atVersion version: Int64 = .max) async throws(LedgerError) -> SceneState {
        var state = try await snapshot(scene: scene, atOrBeforeVersion: version) ?? SceneState(sceneID: scene)
        while state.version < version {
            let page = try await events(scene: scene, afterVersion: state.version, throughVersion: version, limit: 10_000)
            for event in page { try state.apply(event) }
            if page.count < 10_000 { break }
        }
        return state
    }

    /// The scene as it was at time T (microseconds since the Unix epoch): the newest
    /// snapshot at or before T plus the events up to T. The scan is bounded by the next
    /// snapshot, so it reads at most one snapshot interval of events.
    package func state(scene: UUID, atTimeMicros time: Int64) async throws(LedgerError) -> SceneState {
        var state = try await snapshot(scene: scene, atOrBeforeTimeMicros: time) ?? SceneState(sceneID: scene)
        let bound = try await nextSnapshotVersion(scene: scene, after: state.version) ?? .max
        var done = false
        while !done {
            let page = try await events(scene: scene, afterVersion: state.version, throughVersion: bound, limit: 10_000)
            for event in page {
                if event.recordedAtMicros > time {
                    done = true
                    break
                }
                try state.apply(event)
            }
            if page.count < 10_000 { done = true }
        }
        return state
    }

    /// Folds the scene forward from its newest snapshot and writes the snapshots the
    /// policy asks for. Returns how many were written.
    @discardableResult
    package func catchUpSnapshots(scene: UUID, policy: SnapshotPolicy, progress: (@Sendable (Int64) -> Void)? = nil)
        async throws(LedgerError) -> Int
    {
        let start = try await snapshot(scene: scene) ?? SceneState(sceneID: scene)
        var projector = SceneProjector(state: start, policy: policy)
        var written = 0
        while true {
            let page = try await events(scene: scene, afterVersion: projector.state.version, limit: 10_000)
            for event in page {
                guard try projector.apply(event) else { continue }
                try await writeSnapshot(projector.state)
                projector.snapshotWritten()
                written += 1
            }
            progress?(projector.state.version)
            if page.count < 10_000 { break }
        }
        return written
    }
}
