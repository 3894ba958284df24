import ScenecastFixtures
import ScenecastTerminal
import Foundation
package import Logging
package import SceneLedger
import Synchronization

/// `scenecast bench ledger`: the figures issue #2 asks for, measured as medians, and the
/// ledger-to-COPY ratio of issue #17 in every run on a table of stated size.
package struct LedgerBench {
    let session: BenchDatabase
    let logger: Logger
    let eventsPerRun: Int
    let runs: Int
    let offeredRate: Int
    let latencySeconds: Int
    let historyEvents: Int
    let samples: Int
    let batching: WriterBatchingConfiguration
    let concurrency: Int
    let tableEvents: Int64
    let commandIDs: CommandIDKind

    /// The ratio every run must reach (issue #17).
    static let targetRatio = 0.8

    package init(
        session: BenchDatabase, logger: Logger, eventsPerRun: Int, runs: Int, offeredRate: Int, latencySeconds: Int,
        historyEvents: Int, samples: Int, batching: WriterBatchingConfiguration, concurrency: Int, tableEvents: Int64,
        commandIDs: CommandIDKind
    ) {
        self.session = session
        self.logger = logger
        self.eventsPerRun = eventsPerRun
        self.runs = runs
        self.offeredRate = offeredRate
        self.latencySeconds = latencySeconds
        self.historyEvents = historyEvents
        self.samples = samples
        self.batching = batching
        self.concurrency = concurrency
        self.tableEvents = tableEvents
        self.commandIDs = commandIDs
    }

    var store: LedgerStore { session.store }

    package func run() async throws -> String {
        // The state-at-T scene first: it is reused between invocations, and with the filler
        // it gives the table its stated size before any throughput run.
        let history = try await historyScene()
        try await fillTable(to: tableEvents)
        let before = try await tableSize()
        Terminal.line("events table before the runs: \(before); command ids: \(commandIDs.rawValue)")
        var checkpointed = true
        var single: [Double] = []
        var multi: [Double] = []
        var copy: [Double] = []
        var ratios: [Double] = []
        for r in 1...runs {
            let size = try await tableSize()
            checkpointed = await checkpoint() && checkpointed
            var wal = try await walCounters()
            let (rate1, scenes1) = try await throughput(sceneCount: 1, label: "run \(r)/\(runs), 1 scene")
            let ledgerWAL = try await walCounters() - wal
            checkpointed = await checkpoint() && checkpointed
            wal = try await walCounters()
            let copyRate = try await rawCopy(scenes: scenes1, label: "run \(r)/\(runs), raw COPY of the 1-scene rows")
            let copyWAL = try await walCounters() - wal
            checkpointed = await checkpoint() && checkpointed
            let (rate16, scenes16) = try await throughput(sceneCount: 16, label: "run \(r)/\(runs), 16 scenes")
            checkpointed = await checkpoint() && checkpointed
            let copyRate16 = try await rawCopy(scenes: scenes16, label: "run \(r)/\(runs), raw COPY of the 16-scene rows")
            // Each ledger phase against a COPY of its own rows; the run's ratio is the worse.
            let ratio = min(rate1 / copyRate, rate16 / copyRate16)
            single.append(rate1)
            multi.append(rate16)
            copy.append(copyRate)
            ratios.append(ratio)
            Terminal.line(
                "run \(r) on \(size.short): 1 scene \(Format.count(Int64(rate1))) events/s, 16 scenes \(Format.count(Int64(rate16))) events/s, raw COPY into events \(Format.count(Int64(copyRate))) and \(Format.count(Int64(copyRate16))) rows/s, ratio \(Format.fixed(ratio, 2))x; WAL: ledger \(ledgerWAL.perRow(eventsPerRun)), COPY \(copyWAL.perRow(eventsPerRun))"
            )
        }
        let after = try await tableSize()
        let rate1 = Percentiles(single).median
        let rate16 = Percentiles(multi).median
        let copyRate = Percentiles(copy).median
        let ledgerRate = min(rate1, rate16)
        let ratio = Percentiles(ratios)
        let met = ratio.sorted.first! >= Self.targetRatio
        Terminal.line(
            "throughput (median of \(runs)): 1 scene \(Format.count(Int64(rate1)))/s, 16 scenes \(Format.count(Int64(rate16)))/s; raw COPY of the 1-scene rows \(Format.count(Int64(copyRate)))/s; ratio median \(Format.fixed(ratio.median, 2))x, range \(Format.fixed(ratio.sorted.first!, 2))–\(Format.fixed(ratio.sorted.last!, 2))x (target ≥ \(Format.fixed(Self.targetRatio, 2))x in every run: \(met ? "met" : "NOT met")); table \(before.short) → \(after.short)\(checkpointed ? "" : "; CHECKPOINT was refused, so the phases were not aligned to the checkpoint cycle")"
        )

        let latency = try await commitLatency()
        Terminal.line(
            "commit latency at \(offeredRate)/s offered: p50 \(Format.fixed(latency.median, 2)) ms, p99 \(Format.fixed(latency.at(99), 2)) ms, max \(Format.fixed(latency.at(100), 2)) ms over \(Format.count(Int64(latency.sorted.count))) commands (target p99 ≤ 10 ms)"
        )

        let stateAtT = try await stateAtTime(scene: history)
        Terminal.line(
            "state-at-T over \(samples) random T in a \(Format.count(Int64(historyEvents)))-event scene: median \(Format.fixed(stateAtT.median, 1)) ms, p99 \(Format.fixed(stateAtT.at(99), 1)) ms (target ≤ 50 ms)"
        )
        return "ledger: \(Int64(ledgerRate)) events/s (\(Format.fixed(ratio.median, 2))x raw COPY, min \(Format.fixed(ratio.sorted.first!, 2))x over \(runs) runs on \(before.short)), p99 commit \(Format.fixed(latency.at(99), 2)) ms at \(offeredRate)/s, state-at-T \(Format.fixed(stateAtT.median, 1)) ms"
    }

    // MARK: - Throughput

    func newScenes(_ count: Int, prefix: String) async throws -> [SceneLease] {
        var leases: [SceneLease] = []
        for i in 0..<count {
            let id = UUID()
            try await store.createScene(id: id, name: "\(prefix) \(i + 1)")
            leases.append(try await store.acquireLease(scene: id, holder: "bench-\(ProcessInfo.processInfo.processIdentifier)"))
        }
        return leases
    }

    /// Appends `eventsPerRun` pre-built commands with many concurrent submitters.
    func throughput(sceneCount: Int, label: String) async throws -> (Double, [UUID]) {
        let leases = try await newScenes(sceneCount, prefix: "bench throughput")
        // A fresh seed per run: a repeated one would replay the same command ids, which the
        // ledger (rightly) treats as retries and does not write again.
        var workload = BenchWorkload(seed: UInt64.random(in: 0...UInt64.max), commandIDs: commandIDs)
        let sessionID = UUID()
        let requests = (0..<eventsPerRun).map { workload.request(leases[$0 % leases.count], session: sessionID) }
        let seconds = try await appendAll(requests, label: label, concurrency: concurrency)
        for lease in leases { await store.releaseLease(lease) }
        return (Double(eventsPerRun) / seconds, leases.map(\.sceneID))
    }

    /// Appends every request with at most `concurrency` outstanding; returns the elapsed
    /// seconds.
    ///
    /// One submitter queues appends through `enqueue` with a completion, as the scene host
    /// does, and waits only when `concurrency` are outstanding. (Thousands of tasks each
    /// awaiting `append` measured the task runtime instead: every commit resumed a batch of
    /// tasks, and a task group of 16,384 children spent its last second removing them.)
    func appendAll(_ requests: [AppendRequest], label: String, concurrency: Int) async throws -> Double {
        let writer = LedgerWriter(conninfo: session.conninfo, configuration: batching, logger: logger)
        let runner = Task { try await writer.run() }
        let window = Window(slots: min(concurrency, requests.count))
        let failure = Mutex<LedgerError?>(nil)
        let done = Counter()
        let progress = ProgressLine(label, total: Int64(requests.count))
        let start = ProgressLine.now()
        let cpu = CPUWindow()
        for request in requests {
            await window.acquire()
            writer.enqueue(request) { result in
                if case .failure(let error) = result { failure.withLock { $0 = $0 ?? error } }
                let finished = done.value.wrappingAdd(1, ordering: .relaxed).newValue
                if finished & 4095 == 0 { progress.update(Int64(finished)) }
                window.release()
            }
        }
        await window.drain()
        let seconds = Double(ProgressLine.now() - start) / 1e9
        let usage = cpu.summary()
        let stats = writer.statistics
        writer.beginShutdown()
        try await runner.value
        if let error = failure.withLock({ $0 }) { throw error }
        progress.finish(Int64(requests.count), note: "\(stats.batches) batches of \(Format.fixed(stats.meanBatchEvents, 0)) events; \(usage)")
        return seconds
    }

    /// The raw COPY rate of the same rows into `events` itself: the identical table, same
    /// size and indexes, so the same index and WAL costs. Keys are fresh (scenes, positions,
    /// and command ids of the workload's kind) so the rows insert next to the real ones; the
    /// transaction is rolled back so the ledger is untouched.
    func rawCopy(scenes: [UUID], label: String) async throws -> Double {
        var rows: [RecordedEvent] = []
        for scene in scenes {
            var after: Int64 = 0
            while true {
                let page = try await store.events(scene: scene, afterVersion: after, limit: 50_000)
                rows += page
                guard let last = page.last, page.count == 50_000 else { break }
                after = last.version
            }
        }
        let head = try await store.headPosition()
        let shadowScenes = Dictionary(uniqueKeysWithValues: scenes.map { ($0, UUID()) })
        var workload = BenchWorkload(seed: UInt64.random(in: 0...UInt64.max), commandIDs: commandIDs)
        for i in rows.indices {
            rows[i].position = head + 1_000_000_000 + Int64(i)
            rows[i].sceneID = shadowScenes[rows[i].sceneID]!
            rows[i].commandID = workload.nextCommandID()
        }
        var data = PGBinary.copyHeader
        data.reserveCapacity(rows.count * 400)
        for row in rows { LedgerCopyFormat.appendRow(row, to: &data) }
        data.append(contentsOf: PGBinary.copyTrailer)
        let connection = try await PGConnection.connect(session.conninfo, name: "bench-copy", logger: logger)
        let start = ProgressLine.now()
        let cpu = CPUWindow()
        do {
            try await connection.exec("BEGIN")
            try await connection.copyIn(LedgerCopyFormat.copyStatement(table: "events"), data: data)
            try await connection.exec("ROLLBACK")
        } catch {
            await connection.close()
            throw error
        }
        let seconds = Double(ProgressLine.now() - start) / 1e9
        await connection.close()
        Terminal.writeError("\(label): \(Format.count(Int64(rows.count))) rows into events in \(Format.fixed(seconds, 2)) s; \(cpu.summary())\n")
        return Double(rows.count) / seconds
    }
}

/// A shareable atomic counter.
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

/// Latency samples collected from many tasks.
final class SampleBox: Sendable {
    let values = Mutex<[Double]>([])
}
