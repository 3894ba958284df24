import ArgumentParser
import Foundation
import Logging
import SceneLedger

/// `--database` and `--data-dir`, shared by every subcommand that needs the ledger.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database"),
        help: "PostgreSQL URL or libpq conninfo. Default: $DATABASE_URL, else the embedded server in --data-dir."
    )
    var url: String?

    @Option(name: .customLong("data-dir"), help: "Where the embedded PostgreSQL server keeps its data.")
    var dataDirectory: String = ".scenecast"

    /// The explicit database, if any (flag first, then the environment).
    var explicitURL: String? {
        if let url, !url.isEmpty { return url }
        if let env = ProcessInfo.processInfo.environment["DATABASE_URL"], !env.isEmpty { return env }
        return nil
    }

    /// Connects to the explicit database, or starts (or joins) the embedded server.
    /// Migrations are applied either way.
    func open(logger: Logger) async throws -> DatabaseSession {
        if let explicit = explicitURL {
            let store = LedgerStore(conninfo: explicit, logger: logger)
            guard await store.ping() else {
                await store.close()
                throw CLIError(
                    "Could not connect to the database at \(PGConnection.redact(explicit)); check that PostgreSQL is running and the URL is right."
                )
            }
            let applied = try await store.migrate()
            return DatabaseSession(conninfo: explicit, store: store, embedded: nil, appliedMigrations: applied)
        }
        let server = EmbeddedPostgres(dataDirectory: dataDirectory, logger: logger)
        let handle = try await server.start()
        let store = LedgerStore(conninfo: handle.conninfo, logger: logger)
        let applied: [Int]
        do {
            applied = try await store.migrate()
        } catch {
            await store.close()
            if handle.ownsServer { try? await handle.stop() }
            throw error
        }
        return DatabaseSession(conninfo: handle.conninfo, store: store, embedded: handle, appliedMigrations: applied)
    }
}

/// An open ledger database; `close()` stops the embedded server if this command started it.
struct DatabaseSession: Sendable {
    let conninfo: String
    let store: LedgerStore
    let embedded: EmbeddedPostgres.Handle?
    /// Migrations this open applied (empty when the schema was current).
    let appliedMigrations: [Int]

    func close() async {
        await store.close()
        if let embedded, embedded.ownsServer {
            try? await embedded.stop()
        }
    }
}

/// A failure the CLI reports as one sentence, with exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
