import ArgumentParser
import SceneLedger

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks. Each prints its figures on one final line.",
        subcommands: [Ledger.self]
    )

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ledger throughput against raw COPY, commit latency under load, and state-at-T.",
            discussion: """
                Final line: ledger: <N> events/s (<R>x raw COPY), p99 commit <X> ms at 5000/s, state-at-T <Y> ms
                The 1,000,000-event scene for state-at-T is created on the first run and reused afterwards.
                """
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Events per throughput run.") var events: Int = 200_000
        @Option(help: "Throughput runs per configuration (the median is reported).") var runs: Int = 3
        @Option(help: "Offered rate for the latency run, events/s.") var rate: Int = 5_000
        @Option(help: "Seconds of the latency run.") var seconds: Int = 6
        @Option(help: "Events in the state-at-T scene.") var historyEvents: Int = 1_000_000
        @Option(help: "Random times materialized for state-at-T.") var samples: Int = 30

        func validate() throws {
            guard events >= 1_000, runs >= 1, rate >= 100, seconds >= 1, historyEvents >= 10_000, samples >= 1 else {
                throw ValidationError("Use --events ≥ 1000, --runs ≥ 1, --rate ≥ 100, --seconds ≥ 1, --history-events ≥ 10000, --samples ≥ 1.")
            }
        }

        func run() async throws {
            let logger = global.makeLogger("scenecast.bench")
            let session = try await database.open(logger: logger)
            do {
                let bench = LedgerBench(
                    session: session, logger: logger, eventsPerRun: events, runs: runs, offeredRate: rate,
                    latencySeconds: seconds, historyEvents: historyEvents, samples: samples
                )
                let line = try await bench.run()
                await session.close()
                Terminal.line(line)
            } catch {
                await session.close()
                throw error
            }
        }
    }
}
