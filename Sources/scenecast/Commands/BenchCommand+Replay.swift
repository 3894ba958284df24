import ArgumentParser
import Foundation
import ScenecastBench
import ScenecastTerminal

/// `scenecast bench replay` (registered in `BenchCommand`).
struct ReplayBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Seek time in a 1,000,000-event scene, audit export and offline verify rates.",
        discussion: """
            Final line: replay: seek p50 <A> ms p99 <B> ms, export <E>/s, verify <V>/s
            The scene is the one `bench ledger` uses for state-at-T, created on first use and reused.
            Export and verify rates are medians over --runs runs; use a release build.
            """
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Events in the scene.") var historyEvents: Int = 1_000_000
    @Option(help: "Random seeks.") var seeks: Int = 100
    @Option(help: "Export and verify runs (the median is reported; the machine may be shared).") var runs: Int = 3
    @Option(help: "Folder for the temporary export.") var folder: String = NSTemporaryDirectory()

    func validate() throws {
        guard historyEvents >= 10_000, seeks >= 2, runs >= 1 else {
            throw ValidationError("Use --history-events ≥ 10000, --seeks ≥ 2 and --runs ≥ 1.")
        }
    }

    func run() async throws {
        let logger = global.makeLogger("scenecast.bench")
        let session = try await database.open(logger: logger)
        do {
            let line = try await ReplayBench(session: BenchDatabase(conninfo: session.conninfo, store: session.store), logger: logger, historyEvents: historyEvents, seeks: seeks, runs: runs, folder: folder).run()
            await session.close()
            Terminal.line(line)
        } catch {
            await session.close()
            throw error
        }
    }
}
