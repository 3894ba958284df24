import Crypto
package import Foundation

/// An uploaded model's record.
package struct ModelInfo: Sendable, Equatable {
    package var sha256: String
    package var format: String
    package var name: String
    package var sizeBytes: Int64
    package var triangles: Int64
    package var createdAtMicros: Int64
}

extension LedgerStore {
    package static let modelChunkBytes = 1 << 20

    /// Stores a model file's bytes under their SHA-256, once: storing the same bytes again
    /// changes nothing and returns the existing record. The caller validates the file first.
    package func putModel(file: URL, sha256: String, format: String, name: String, triangles: Int64)
        async throws(LedgerError) -> ModelInfo
    {
        if let existing = try await model(sha256) { return existing }
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: file) } catch {
            throw LedgerError(.invalidArgument, "Cannot read the uploaded model at \(file.path)", underlying: error)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        return try await pool.withConnection { c throws(LedgerError) in
            try await c.exec("BEGIN")
            do throws(LedgerError) {
                _ = try await c.query(
                    "INSERT INTO models (sha256, format, name, size_bytes, triangles) VALUES ($1, $2, $3, 1, $4) ON CONFLICT DO NOTHING",
                    [sha256, format, name, String(triangles)]
                )
                var seq = 0
                while true {
                    let chunk: Data
                    do { chunk = try handle.read(upToCount: LedgerStore.modelChunkBytes) ?? Data() } catch {
                        throw LedgerError(.invalidArgument, "Reading the uploaded model failed", underlying: error)
                    }
                    if chunk.isEmpty { break }
                    hasher.update(data: chunk)
                    size += Int64(chunk.count)
                    _ = try await c.query(
                        "INSERT INTO model_chunks (sha256, seq, data) VALUES ($1, $2, decode($3, 'hex')) ON CONFLICT DO NOTHING",
                        [sha256, String(seq), Hex.encode(chunk)]
                    )
                    seq += 1
                }
                guard Hex.encode(hasher.finalize()) == sha256 else {
                    throw LedgerError(.invalidArgument, "The model's bytes do not match SHA-256 \(sha256)")
                }
                _ = try await c.query("UPDATE models SET size_bytes = $2 WHERE sha256 = $1", [sha256, String(size)])
                try await c.exec("COMMIT")
            } catch {
                try? await c.exec("ROLLBACK")
                throw error
            }
            guard let stored = try await self.modelInfo(sha256, on: c) else {
                throw LedgerError(.query, "The model \(sha256) was not stored")
            }
            return stored
        }
    }

    package func model(_ sha256: String) async throws(LedgerError) -> ModelInfo? {
        try await pool.withConnection { c throws(LedgerError) in try await self.modelInfo(sha256, on: c) }
    }

    package func listModels() async throws(LedgerError) -> [ModelInfo] {
        try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                "SELECT sha256, format, name, size_bytes, triangles, created_at FROM models ORDER BY created_at, sha256"
            ) { r throws(LedgerError) in (0..<r.rowCount).map { LedgerStore.modelInfo(r, $0) } }
        }
    }

    /// The model's bytes, for renderers on any node. Never sent to remote-render clients.
    package func modelBytes(_ sha256: String) async throws(LedgerError) -> [UInt8] {
        let chunks = try await pool.withConnection { c throws(LedgerError) in
            try await c.withResult(
                "SELECT data FROM model_chunks WHERE sha256 = $1 ORDER BY seq", [sha256]
            ) { r throws(LedgerError) in (0..<r.rowCount).map { r.byteArray($0, 0) } }
        }
        guard !chunks.isEmpty else { throw LedgerError(.notFound, "Model \(sha256) is not stored") }
        return chunks.flatMap { $0 }
    }

    private func modelInfo(_ sha256: String, on c: PGConnection) async throws(LedgerError) -> ModelInfo? {
        try await c.withResult(
            "SELECT sha256, format, name, size_bytes, triangles, created_at FROM models WHERE sha256 = $1", [sha256]
        ) { r throws(LedgerError) in r.rowCount == 1 ? LedgerStore.modelInfo(r, 0) : nil }
    }

    private static func modelInfo(_ r: borrowing PGResult, _ i: Int) -> ModelInfo {
        ModelInfo(
            sha256: r.string(i, 0), format: r.string(i, 1), name: r.string(i, 2), sizeBytes: r.int64(i, 3),
            triangles: r.int64(i, 4), createdAtMicros: r.timestampMicros(i, 5)
        )
    }
}
