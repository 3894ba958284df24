import ScenecastBench
import ScenecastTerminal
import ArgumentParser
import Foundation
import SceneLedger

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks. Each prints its figures on one final line.",
        subcommands: [Ledger.self, Render.self, Stream.self, ReplayBenchCommand.self, FanoutBenchCommand.self]
    )

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ledger throughput against raw COPY, commit latency under load, and state-at-T.",
            discussion: """
                Final line: ledger: <N> events/s (<R>x raw COPY, min <M>x over <runs> runs on <T>M rows), p99 commit <X> ms at <rate>/s, state-at-T <Y> ms
                The 1,000,000-event scene for state-at-T is created on the first run and reused afterwards; with
                filler appends it brings the events table to --table-events rows before the throughput runs.
                Every measured phase starts after a CHECKPOINT, and each run reports the WAL it wrote per row.
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
        @Option(help: "Appends outstanding at once in the throughput runs (well above --max-batch, so a backlog forms).") var concurrency: Int = 16384
        @Option(name: .customLong("max-batch"), help: "The writer's largest batch, in events.") var maxBatch: Int = 4096
        @Option(name: .customLong("linger-us"), help: "How long the writer lets a batch fill, in microseconds.") var lingerMicros: Int = 0
        @Option(help: "Rows the events table holds at least before the throughput runs (filled by appends).") var tableEvents: Int = 1_000_000
        @Option(help: "Command ids the bench's clients mint: v7 (time-ordered, as the server and the web client do) or v4 (random).")
        var commandIds: String = "v7"

        func validate() throws {
            guard concurrency >= 1, maxBatch >= 1, lingerMicros >= 0 else {
                throw ValidationError("--concurrency and --max-batch take at least 1, --linger-us at least 0.")
            }
            guard CommandIDKind(rawValue: commandIds) != nil else {
                throw ValidationError("--command-ids takes v7 or v4, not '\(commandIds)'.")
            }
            guard tableEvents >= 0 else { throw ValidationError("--table-events takes 0 or more.") }
            guard events >= 1_000, runs >= 1, rate >= 100, seconds >= 1, historyEvents >= 10_000, samples >= 1 else {
                throw ValidationError("Use --events ≥ 1000, --runs ≥ 1, --rate ≥ 100, --seconds ≥ 1, --history-events ≥ 10000, --samples ≥ 1.")
            }
        }

        func run() async throws {
            let logger = global.makeLogger("scenecast.bench")
            let session = try await database.open(logger: logger)
            do {
                let bench = LedgerBench(
                    session: BenchDatabase(conninfo: session.conninfo, store: session.store), logger: logger, eventsPerRun: events, runs: runs, offeredRate: rate,
                    latencySeconds: seconds, historyEvents: historyEvents, samples: samples,
                    batching: WriterBatchingConfiguration(maxBatchEvents: maxBatch, lingerNanos: UInt64(lingerMicros) * 1_000),
                    concurrency: concurrency, tableEvents: Int64(tableEvents), commandIDs: CommandIDKind(rawValue: commandIds)!
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

    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Frame time (render plus I420 readback) of demo plants, triangles drawn, and picking.",
            discussion: "Final line: render: 720p/100 <A> ms, 720p/1000 <B> ms, 1080p/100 <C> ms, pick <D> ms"
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "Frames per configuration (medians and p99 over them).") var frames: Int = 60
        @Option(help: "MSAA samples per pixel: 0 (off), 2, 4 or 8. Default: auto, 4 on a GPU and none on llvmpipe, where it triples frame time.")
        var samples: Int?

        func validate() throws {
            guard frames >= 5 else { throw ValidationError("--frames takes at least 5.") }
            if let samples, ![0, 2, 4, 8].contains(samples) { throw ValidationError("--samples takes 0, 2, 4 or 8.") }
        }

        func run() async throws {
            let line = try await RenderBench(frames: frames, samples: samples, logger: global.makeLogger("scenecast.bench")).run()
            Terminal.line(line)
        }
    }

    struct Stream: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Input-to-photon latency, session start, orbit fps, server CPU and observers per view, from headless Chromium.",
            discussion: """
                Starts scenecast serve --demo 100 on a free loopback port and drives Debian's headless Chromium
                (chromium, chromium-driver, python3-selenium) at 1280x720 through Tests/Browser/bench_stream.py.
                Each of --runs runs has its own server and browser; the figures are their medians.
                Final line: stream: p50 <A> ms, p95 <B> ms, first-frame <C> ms, orbit <F> fps, observers <O>
                """
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Latency probes (percentiles over them).") var probes: Int = 100
        @Option(help: "Independent runs, each with a fresh server and browser (the median of each figure is reported).")
        var runs: Int = 3
        @Option(name: .customLong("observers-max"), help: "A safety cap: stop adding light receivers at this many even if all still get 25 fps.") var observersMax: Int = 400
        @Option(name: .customLong("video-fps"), help: "The server's highest frame rate per view (serve --video-fps).")
        var videoFPS: Int = 60
        @Option(name: .customLong("browser-script"), help: "Path of Tests/Browser/bench_stream.py (default: under the current directory, a checkout's root).")
        var browserScript: String?

        func validate() throws {
            guard probes >= 10 else { throw ValidationError("--probes takes at least 10.") }
            guard (1...20).contains(runs) else { throw ValidationError("--runs takes 1 to 20.") }
            guard observersMax >= 5 else { throw ValidationError("--observers-max takes at least 5.") }
            guard (1...120).contains(videoFPS) else { throw ValidationError("--video-fps takes 1 to 120.") }
        }

        func run() async throws {
            let logger = global.makeLogger("scenecast.bench")
            let session = try await database.open(logger: logger)
            let script = browserScript.map { URL(fileURLWithPath: $0) } ?? StreamBench.defaultScript
            do {
                let line = try await StreamBench(
                    conninfo: session.conninfo, script: script, probes: probes, observersMax: observersMax, videoFPS: videoFPS,
                    runs: runs
                ).run()
                await session.close()
                Terminal.line(line)
            } catch {
                await session.close()
                throw error
            }
        }
    }
}
