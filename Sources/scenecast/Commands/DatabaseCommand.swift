import ScenecastTerminal
import ArgumentParser
import SceneLedger

/// Runs the embedded PostgreSQL server on its own, for scripts and tests.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Start or stop the embedded PostgreSQL server (start prints its connection string).",
        subcommands: [Start.self, Stop.self]
    )

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the embedded server (if needed), migrate, and print its connection string."
        )
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("data-dir"), help: "Where the embedded server keeps its data.")
        var dataDirectory: String = ".scenecast"

        func run() async throws {
            let logger = global.makeLogger()
            let handle = try await EmbeddedPostgres(dataDirectory: dataDirectory, logger: logger).start()
            let store = LedgerStore(conninfo: handle.conninfo, logger: logger)
            do { _ = try await store.migrate() } catch {
                await store.close()
                throw error
            }
            await store.close()
            Terminal.line(handle.conninfo)
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the embedded server.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("data-dir"), help: "Where the embedded server keeps its data.")
        var dataDirectory: String = ".scenecast"

        func run() async throws {
            let logger = global.makeLogger()
            let server = EmbeddedPostgres(dataDirectory: dataDirectory, logger: logger)
            guard EmbeddedPostgres.isRunning(dataDirectory: server.dataDirectory) else {
                Terminal.line("not running")
                return
            }
            try await server.stopServer()
            Terminal.line("stopped")
        }
    }
}
