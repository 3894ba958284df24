import Crypto
import Foundation
package import Logging

/// One numbered schema migration (`migrations/NNNN_name.sql`).
package struct Migration: Sendable, Equatable {
    package let version: Int
    package let name: String
    package let sql: String

    /// SHA-256 of the file, recorded when applied; a changed file is refused.
    package var checksum: String {
        Hex.encode(SHA256.hash(data: Array(sql.utf8)))
    }

    /// Parses `NNNN_name.sql` into a migration; nil for other file names.
    package init?(fileName: String, sql: String) {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
            return nil
        }
        self.version = version
        self.name = String(stem[stem.index(after: underscore)...])
        self.sql = sql
    }
}

/// Applies the bundled migrations in order, once each, recording them in
/// `schema_migrations`. Safe to run concurrently from several processes: it takes a
/// session advisory lock for the duration.
package struct Migrator: Sendable {
    package let migrations: [Migration]
    package let logger: Logger

    /// The advisory lock key that serializes migrators ("scenecast" in ASCII, truncated).
    static let lockKey: Int64 = 0x7363_656E_6563_6173

    package init(migrations: [Migration], logger: Logger) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// The migrations shipped with this build (the top-level `migrations/` folder).
    package static func bundled(logger: Logger) throws(LedgerError) -> Migrator {
        let folder = try ResourceFolder.locate("Migrations", bundle: "scenecast_SceneLedger")
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        } catch {
            throw LedgerError(.migration, "Could not list the migrations in \(folder.path)", underlying: error)
        }
        var migrations: [Migration] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file.path),
                let sql = String(data: data, encoding: .utf8)
            else { continue }
            if let migration = Migration(fileName: file.lastPathComponent, sql: sql) {
                migrations.append(migration)
            }
        }
        let versions = migrations.map(\.version).sorted()
        guard !versions.isEmpty, versions == Array(1...versions.count) else {
            throw LedgerError(.migration, "Migration numbers must run 1, 2, 3… without gaps; found \(versions)")
        }
        return Migrator(migrations: migrations, logger: logger)
    }

    /// Applies what is missing. Returns the versions applied by this call.
    @discardableResult
    package func migrate(_ connection: PGConnection) async throws(LedgerError) -> [Int] {
        try await connection.exec("SELECT pg_advisory_lock(\(Migrator.lockKey))")
        do {
            let applied = try await apply(connection)
            try await connection.exec("SELECT pg_advisory_unlock(\(Migrator.lockKey))")
            return applied
        } catch {
            try? await connection.exec("SELECT pg_advisory_unlock(\(Migrator.lockKey))")
            throw error
        }
    }

    private func apply(_ connection: PGConnection) async throws(LedgerError) -> [Int] {
        try await connection.exec(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                checksum    text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """
        )
        let rows = try await connection.query("SELECT version, checksum FROM schema_migrations ORDER BY version")
        var recorded: [Int: String] = [:]
        for row in rows.rows {
            if let v = row[0].flatMap({ Int($0) }), let sum = row[1] { recorded[v] = sum }
        }
        var appliedNow: [Int] = []
        for migration in migrations {
            if let sum = recorded[migration.version] {
                guard sum == migration.checksum else {
                    throw LedgerError(
                        .migration,
                        "Migration \(migration.version) (\(migration.name)) was edited after it was applied; restore it and add a new migration instead"
                    )
                }
                continue
            }
            logger.info("applying migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            do {
                try await connection.exec("BEGIN")
                try await connection.exec(migration.sql)
                _ = try await connection.query(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    [String(migration.version), migration.name, migration.checksum]
                )
                try await connection.exec("COMMIT")
            } catch {
                try? await connection.exec("ROLLBACK")
                throw LedgerError(.migration, "Migration \(migration.version) (\(migration.name)) failed", underlying: error)
            }
            appliedNow.append(migration.version)
        }
        let unknown = recorded.keys.filter { v in !migrations.contains { $0.version == v } }
        if !unknown.isEmpty {
            logger.warning("database has migrations this build does not know", metadata: ["versions": "\(unknown.sorted())"])
        }
        return appliedNow
    }
}
