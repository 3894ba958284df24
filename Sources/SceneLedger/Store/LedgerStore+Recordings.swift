import Crypto
package import Foundation

/// One indexed recording segment: a closed segment file, or a recording a write error stopped.
package struct RecordingSegment: Sendable, Equatable {
    package enum Status: String, Sendable { case complete, failed }
    package var id: Int64
    /// The view's driver session (the participant whose camera the view shows).
    package var session: UUID
    package var view: String
    package var scene: UUID
    package var status: Status
    package var startedAtMicros: Int64
    package var endedAtMicros: Int64
    package var path: String
    package var bytes: Int64
    /// Lowercase hex SHA-256 of the file; nil for a failed recording.
    package var sha256: String?
    package var error: String?
    package var createdAtMicros: Int64

    package init(
        id: Int64 = 0, session: UUID, view: String, scene: UUID, status: Status, startedAtMicros: Int64,
        endedAtMicros: Int64, path: String, bytes: Int64, sha256: String?, error: String? = nil, createdAtMicros: Int64 = 0
    ) {
        self.id = id
        self.session = session
        self.view = view
        self.scene = scene
        self.status = status
        self.startedAtMicros = startedAtMicros
        self.endedAtMicros = endedAtMicros
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
        self.error = error
        self.createdAtMicros = createdAtMicros
    }
}

extension LedgerStore {
    private static let recordingColumns =
        "id, session, view, scene, status, started_at, ended_at, path, bytes, sha256, error, created_at"

    /// Indexes one segment (its `id` and `createdAtMicros` are ignored); returns it as stored.
    package func addRecordingSegment(_ s: RecordingSegment) async throws(LedgerError) -> RecordingSegment {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                """
                INSERT INTO recordings (session, view, scene, status, started_at, ended_at, path, bytes, sha256, error)
                VALUES ($1, $2, $3, $4, to_timestamp($5::double precision / 1e6), to_timestamp($6::double precision / 1e6),
                        $7, $8, $9, $10)
                RETURNING \(Self.recordingColumns)
                """,
                [
                    s.session.uuidString.lowercased(), s.view, s.scene.uuidString.lowercased(), s.status.rawValue,
                    String(s.startedAtMicros), String(s.endedAtMicros), s.path, String(s.bytes), s.sha256, s.error,
                ]
            ) { r throws(LedgerError) in
                guard r.rowCount == 1 else { throw LedgerError(.query, "The recording segment \(s.path) was not stored") }
                return LedgerStore.recordingSegment(r, 0)
            }
        }
    }

    /// Every indexed segment, oldest first.
    package func listRecordings() async throws(LedgerError) -> [RecordingSegment] {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult("SELECT \(Self.recordingColumns) FROM recordings ORDER BY started_at, id") {
                r throws(LedgerError) in (0..<r.rowCount).map { LedgerStore.recordingSegment(r, $0) }
            }
        }
    }

    package func recording(_ id: Int64) async throws(LedgerError) -> RecordingSegment? {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult("SELECT \(Self.recordingColumns) FROM recordings WHERE id = $1", [String(id)]) {
                r throws(LedgerError) in r.rowCount == 1 ? LedgerStore.recordingSegment(r, 0) : nil
            }
        }
    }

    private static func recordingSegment(_ r: borrowing PGResult, _ i: Int) -> RecordingSegment {
        RecordingSegment(
            id: r.int64(i, 0), session: r.uuid(i, 1), view: r.string(i, 2), scene: r.uuid(i, 3),
            status: RecordingSegment.Status(rawValue: r.string(i, 4)) ?? .failed, startedAtMicros: r.timestampMicros(i, 5),
            endedAtMicros: r.timestampMicros(i, 6), path: r.string(i, 7), bytes: r.int64(i, 8),
            sha256: r.isNull(i, 9) ? nil : r.string(i, 9), error: r.isNull(i, 10) ? nil : r.string(i, 10),
            createdAtMicros: r.timestampMicros(i, 11)
        )
    }
}

extension RecordingSegment {
    /// The size and lowercase hex SHA-256 of the file at `path`, read in 1 MiB chunks.
    package static func digest(path: String) throws(LedgerError) -> (bytes: Int64, sha256: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LedgerError(.invalidArgument, "Cannot read the recording segment \(path)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch {
                throw LedgerError(.invalidArgument, "Reading the recording segment \(path) failed", underlying: error)
            }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (size, Hex.encode(hasher.finalize()))
    }
}
