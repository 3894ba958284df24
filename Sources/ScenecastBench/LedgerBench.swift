import ScenecastFixtures
import ScenecastTerminal
package import Foundation
package import Logging
package import SceneLedger
import Synchronization

/// `scenecast bench ledger`: the figures issue #2 asks for, measured as medians.
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

    package init(session: BenchDatabase, logger: Logger, eventsPerRun: Int, runs: Int, offeredRate: Int, latencySeconds: Int, historyEvents: Int, samples: Int, batching: WriterBatchingConfiguration, concurrency: Int) {
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
    }

    var store: LedgerStore { session.store }

    package func run() async throws -> String {
        var single: [Double] = []
        var multi: [Double] = []
        var copy: [Double] = []
        var emptyCopy: [Double] = []
        for r in 1...runs {
            let (rate1, scenes1) = try await throughput(sceneCount: 1, label: "run \(r)/\(runs), 1 scene")
            let copyRates = try await rawCopy(scenes: scenes1, label: "run \(r)/\(runs), raw COPY")
            let (rate16, _) = try await throughput(sceneCount: 16, label: "run \(r)/\(runs), 16 scenes")
            single.append(rate1)
            multi.append(rate16)
            copy.append(copyRates.sameTable)
            emptyCopy.append(copyRates.emptyTable)
            Terminal.line(
                "run \(r): 1 scene \(Format.count(Int64(rate1))) events/s, 16 scenes \(Format.count(Int64(rate16))) events/s, raw COPY into events \(Format.count(Int64(copyRates.sameTable))) rows/s, into an empty table \(Format.count(Int64(copyRates.emptyTable))) rows/s"
            )
        }
        let rate1 = Percentiles(single).median
        let rate16 = Percentiles(multi).median
        let copyRate = Percentiles(copy).median
        let emptyRate = Percentiles(emptyCopy).median
        let ledgerRate = min(rate1, rate16)
        let ratio = ledgerRate / copyRate
        Terminal.line(
            "throughput (median of \(runs)): 1 scene \(Format.count(Int64(rate1)))/s, 16 scenes \(Format.count(Int64(rate16)))/s; raw COPY into events \(Format.count(Int64(copyRate)))/s, ratio \(Format.fixed(ratio, 2))x (target ≥ 0.70x); raw COPY into an empty table \(Format.count(Int64(emptyRate)))/s, ratio \(Format.fixed(ledgerRate / emptyRate, 2))x"
        )

        let latency = try await commitLatency()
        Terminal.line(
            "commit latency at \(offeredRate)/s offered: p50 \(Format.fixed(latency.median, 2)) ms, p99 \(Format.fixed(latency.at(99), 2)) ms, max \(Format.fixed(latency.at(100), 2)) ms over \(Format.count(Int64(latency.sorted.count))) commands (target p99 ≤ 10 ms)"
        )

        let stateAtT = try await stateAtTime()
        Terminal.line(
            "state-at-T over \(samples) random T in a \(Format.count(Int64(historyEvents)))-event scene: median \(Format.fixed(stateAtT.median, 1)) ms, p99 \(Format.fixed(stateAtT.at(99), 1)) ms (target ≤ 50 ms)"
        )
        return "ledger: \(Int64(ledgerRate)) events/s (\(Format.fixed(ratio, 2))x raw COPY), p99 commit \(Format.fixed(latency.at(99), 2)) ms at \(offeredRate)/s, state-at-T \(Format.fixed(stateAtT.median, 1)) ms"
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
        var workload = BenchWorkload(seed: UInt64.random(in: 0...UInt64.max))
        let sessionID = UUID()
        let requests = (0..<eventsPerRun).map { workload.request(leases[$0 % leases.count], session: sessionID) }
        let seconds = try await appendAll(requests, label: label, concurrency: concurrency)
        for lease in leases { await store.releaseLease(lease) }
        return (Double(eventsPerRun) / seconds, leases.map(\.sceneID))
    }

    /// Appends every request with `concurrency` submitters; returns the elapsed seconds.
    func appendAll(_ requests: [AppendRequest], label: String, concurrency: Int) async throws -> Double {
        let writer = LedgerWriter(conninfo: session.conninfo, configuration: batching, logger: logger)
        let runner = Task { try await writer.run() }
        let next = Counter()
        let done = Counter()
        let progress = ProgressLine(label, total: Int64(requests.count))
        let start = ProgressLine.now()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<min(concurrency, requests.count) {
                    group.addTask {
                        while true {
                            let i = next.value.wrappingAdd(1, ordering: .relaxed).oldValue
                            guard i < requests.count else { return }
                            _ = try await writer.append(requests[i])
                            let finished = done.value.wrappingAdd(1, ordering: .relaxed).newValue
                            if finished & 1023 == 0 { progress.update(Int64(finished)) }
                        }
                    }
                }
                try await group.waitForAll()
            }
        } catch {
            writer.beginShutdown()
            _ = try? await runner.value
            throw error
        }
        let seconds = Double(ProgressLine.now() - start) / 1e9
        let stats = writer.statistics
        progress.finish(Int64(requests.count), note: "\(stats.batches) batches of \(Format.fixed(stats.meanBatchEvents, 0)) events")
        writer.beginShutdown()
        try await runner.value
        return seconds
    }

    /// Raw COPY rates of the same rows: into `events` itself (the identical table, same
    /// size and indexes, so the same index and WAL costs; the transaction is rolled back
    /// so the ledger is untouched), and into a fresh, empty copy of its definition.
    func rawCopy(scenes: [UUID], label: String) async throws -> (sameTable: Double, emptyTable: Double) {
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
        // Fresh keys (scene, positions, command ids) so the rows insert next to the real ones.
        let head = try await store.headPosition()
        let shadowScenes = Dictionary(uniqueKeysWithValues: scenes.map { ($0, UUID()) })
        var shadow = rows
        for i in shadow.indices {
            shadow[i].position = head + 1_000_000_000 + Int64(i)
            shadow[i].sceneID = shadowScenes[shadow[i].sceneID]!
            shadow[i].commandID = UUID()
        }
        func copyData(_ rows: [RecordedEvent]) -> [UInt8] {
            var data = PGBinary.copyHeader
            data.reserveCapacity(rows.count * 400)
            for row in rows { LedgerCopyFormat.appendRow(row, to: &data) }
            data.append(contentsOf: PGBinary.copyTrailer)
            return data
        }
        let connection = try await PGConnection.connect(session.conninfo, name: "bench-copy", logger: logger)
        let sameData = copyData(shadow)
        var start = ProgressLine.now()
        try await connection.exec("BEGIN")
        try await connection.copyIn(LedgerCopyFormat.copyStatement(table: "events"), data: sameData)
        try await connection.exec("ROLLBACK")
        let sameSeconds = Double(ProgressLine.now() - start) / 1e9

        let emptyData = copyData(rows)
        try await connection.exec("DROP TABLE IF EXISTS bench_raw_copy; CREATE TABLE bench_raw_copy (LIKE events INCLUDING ALL)")
        start = ProgressLine.now()
        try await connection.exec("BEGIN")
        try await connection.copyIn(LedgerCopyFormat.copyStatement(table: "bench_raw_copy"), data: emptyData)
        try await connection.exec("COMMIT")
        let emptySeconds = Double(ProgressLine.now() - start) / 1e9
        try await connection.exec("DROP TABLE bench_raw_copy")
        await connection.close()
        Terminal.writeError(
            "\(label): \(Format.count(Int64(rows.count))) rows into events in \(Format.fixed(sameSeconds, 2)) s, into an empty copy in \(Format.fixed(emptySeconds, 2)) s\n"
        )
        return (Double(rows.count) / sameSeconds, Double(rows.count) / emptySeconds)
    }

    // MARK: - Latency

    /// Offers `offeredRate` single-event commands per second, open loop, and measures
    /// each from its scheduled send time to its commit.
    func commitLatency() async throws -> Percentiles {
        let leases = try await newScenes(4, prefix: "bench latency")
        let total = offeredRate * latencySeconds
        var workload = BenchWorkload(seed: UInt64.random(in: 0...UInt64.max))
        let sessionID = UUID()
        let requests = (0..<total).map { workload.request(leases[$0 % leases.count], session: sessionID) }
        let writer = LedgerWriter(conninfo: session.conninfo, configuration: batching, logger: logger)
        let runner = Task { try await writer.run() }
        let samples = SampleBox()
        let failures = Counter()
        let progress = ProgressLine("latency at \(offeredRate)/s", total: Int64(total))
        let intervalNanos = 1_000_000_000 / UInt64(offeredRate)
        let start = ProgressLine.now()
        await withTaskGroup(of: Void.self) { group in
            var i = 0
            while i < total {
                let now = ProgressLine.now()
                while i < total && start + UInt64(i) * intervalNanos <= now {
                    let due = start + UInt64(i) * intervalNanos
                    let request = requests[i]
                    group.addTask {
                        do {
                            _ = try await writer.append(request)
                            let ms = Double(ProgressLine.now() - due) / 1e6
                            samples.values.withLock { $0.append(ms) }
                        } catch {
                            failures.value.wrappingAdd(1, ordering: .relaxed)
                        }
                    }
                    i += 1
                }
                progress.update(Int64(i))
                try? await Task.sleep(for: .microseconds(500))
            }
        }
        let stats = writer.statistics
        progress.finish(Int64(total), note: "\(stats.batches) batches of \(Format.fixed(stats.meanBatchEvents, 1)) events")
        writer.beginShutdown()
        try await runner.value
        for lease in leases { await store.releaseLease(lease) }
        if failures.value.load(ordering: .relaxed) > 0 {
            throw BenchError("\(failures.value.load(ordering: .relaxed)) appends failed during the latency run; see the log.")
        }
        return Percentiles(samples.values.withLock { $0 })
    }

    // MARK: - State at T

    func stateAtTime() async throws -> Percentiles {
        let scene = try await historyScene()
        let bounds = try await store.pool.withConnection { c throws(LedgerError) in
            try await c.query(
                "SELECT (extract(epoch FROM min(recorded_at)) * 1e6)::bigint, (extract(epoch FROM max(recorded_at)) * 1e6)::bigint FROM events WHERE scene_id = $1",
                [scene.uuidString]
            )
        }
        guard let first = bounds.first?[0].flatMap({ Int64($0) }), let last = bounds.first?[1].flatMap({ Int64($0) }) else {
            throw BenchError("The history scene has no events.")
        }
        var rng = SplitMix64(seed: 2024)
        var timings: [Double] = []
        let progress = ProgressLine("state-at-T", total: Int64(samples))
        for i in 0..<samples {
            let t = first + Int64(rng.nextUnit() * Double(last - first))
            let start = ProgressLine.now()
            let state = try await store.state(scene: scene, atTimeMicros: t)
            timings.append(Double(ProgressLine.now() - start) / 1e6)
            guard state.sceneTimeMicros <= t, state.version > 0 else {
                throw BenchError("state-at-T returned version \(state.version) at scene time \(state.sceneTimeMicros) for T=\(t).")
            }
            progress.update(Int64(i + 1))
        }
        progress.finish(Int64(samples))
        return Percentiles(timings)
    }

    /// The scene of `historyEvents` events with snapshots, created on first use.
    func historyScene() async throws -> UUID {
        let name = "bench history \(historyEvents)"
        if let existing = try await store.listScenes().first(where: { $0.name == name && $0.headVersion >= Int64(historyEvents) }) {
            Terminal.writeError("reusing \(name) (\(existing.id))\n")
            return existing.id
        }
        let lease = try await newScenes(1, prefix: name).first!
        let seeder = SceneSeeder(store: store, conninfo: session.conninfo, logger: logger)
        let writer = LedgerWriter(conninfo: session.conninfo, logger: logger)
        let runner = Task { try await writer.run() }
        try await seeder.seed(writer: writer, lease: lease, name: name, demoDevices: 100)
        writer.beginShutdown()
        try await runner.value
        let seeded = try await store.headVersion(of: lease.sceneID)
        var workload = BenchWorkload(seed: UInt64.random(in: 0...UInt64.max))
        let sessionID = UUID()
        let remaining = historyEvents - Int(seeded)
        let chunk = 100_000
        var appended = 0
        while appended < remaining {
            let n = min(chunk, remaining - appended)
            let requests = (0..<n).map { _ in workload.request(lease, session: sessionID) }
            _ = try await appendAll(requests, label: "history \(appended + n)/\(remaining)", concurrency: concurrency)
            appended += n
        }
        try await store.pool.withConnection { c throws(LedgerError) in
            _ = try await c.query("UPDATE scenes SET name = $2 WHERE id = $1", [lease.sceneID.uuidString, name])
        }
        await store.releaseLease(lease)
        let progress = ProgressLine("snapshots", total: Int64(historyEvents))
        let written = try await store.catchUpSnapshots(scene: lease.sceneID, policy: SnapshotPolicy(everyEvents: 1_000)) {
            progress.update($0)
        }
        progress.finish(Int64(historyEvents), note: "\(written) snapshots")
        return lease.sceneID
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
