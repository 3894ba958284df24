import ArgumentParser
import Logging

#if canImport(Glibc)
import Glibc
#endif

@main
struct Scenecast: AsyncParsableCommand {
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "scenecast",
        abstract: "Remote rendering of event-sourced factory scenes.",
        discussion: """
            Every input command becomes an append-only, hash-chained event in PostgreSQL; live \
            scenes are projections of that ledger. Without --database (or DATABASE_URL), commands \
            use a private PostgreSQL server kept in --data-dir (default .scenecast).
            """,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, ScenesCommand.self, VerifyCommand.self, RenderCommand.self,
            ReplayCommand.self, AuditCommand.self, EraseCommand.self,
            BenchCommand.self,
            DatabaseCommand.self,
        ]
    )
}

/// Process-wide logging set-up; only the executable bootstraps swift-log.
enum LoggingSetup {
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
