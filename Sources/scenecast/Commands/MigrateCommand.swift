import ScenecastTerminal
import ArgumentParser
import SceneLedger

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the schema migrations that are missing (safe to run again)."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = global.makeLogger()
        let session = try await database.open(logger: logger)
        let applied = session.appliedMigrations
        let rows = try await session.store.pool.withConnection { c throws(LedgerError) in
            try await c.query("SELECT version, name FROM schema_migrations ORDER BY version")
        }
        await session.close()
        for row in rows.rows {
            Terminal.line("migration \(row[0] ?? "?") \(row[1] ?? "?"): applied")
        }
        Terminal.line("schema is up to date (\(rows.rows.count) migrations\(applied.isEmpty ? "" : ", \(applied.count) applied now"))")
    }
}
