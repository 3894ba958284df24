import ScenecastFixtures
import ScenecastTerminal
import Foundation
import SceneLedger
import Synchronization

/// Commit latency under an offered load, and state-at-T over a long history.
extension LedgerBench {
    // MARK: - Latency

    /// Offers `offeredRate` single-event commands per second, open loop, and measures
    /// each from its scheduled send time to its commit.
    func commitLatency() async throws -> Percentiles {
        let leases = try await newScenes(4, prefix: "bench latency")
        let total = offeredRate * latencySeconds
        var workload = BenchWorkload(seed: UInt64.random(in: 0...UInt64.max), commandIDs: commandIDs)
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

    func stateAtTime(scene: UUID) async throws -> Percentiles {
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
        var workload = BenchWorkload(seed: UInt64.random(in: 0...UInt64.max), commandIDs: commandIDs)
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
