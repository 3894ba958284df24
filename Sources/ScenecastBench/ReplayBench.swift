import ScenecastFixtures
import ScenecastTerminal
package import Foundation
package import Logging
import Replay
package import SceneLedger

/// `scenecast bench replay`: random seeks in a 1,000,000-event scene (snapshot plus tail),
/// audit export and offline verification rates.
package struct ReplayBench {
    let session: BenchDatabase
    let logger: Logger
    let historyEvents: Int
    let seeks: Int
    let runs: Int
    let folder: String

    package init(session: BenchDatabase, logger: Logger, historyEvents: Int, seeks: Int, runs: Int, folder: String) {
        self.session = session
        self.logger = logger
        self.historyEvents = historyEvents
        self.seeks = seeks
        self.runs = runs
        self.folder = folder
    }

    package func run() async throws -> String {
        // The same history scene as `bench ledger` (created on first use, then reused).
        let ledgerBench = LedgerBench(
            session: session, logger: logger, eventsPerRun: 1_000, runs: 1, offeredRate: 100, latencySeconds: 1,
            historyEvents: historyEvents, samples: 1, batching: WriterBatchingConfiguration(), concurrency: 4096, tableEvents: 0,
            commandIDs: .v7)
        let scene = try await ledgerBench.historyScene()
        let head = try await session.store.headVersion(of: scene)
        let seek = try await seekTimes(scene: scene, head: head)
        Terminal.line(
            "seek over \(seeks) random targets (half times, half versions) in a \(Format.count(head))-event scene: p50 \(Format.fixed(seek.median, 1)) ms, p99 \(Format.fixed(seek.at(99), 1)) ms (targets ≤ 50 ms, ≤ 100 ms)"
        )
        var exports: [Double] = []
        var verifies: [Double] = []
        for run in 1...runs {
            let (e, v) = try await exportAndVerify(scene: scene, run: run)
            exports.append(e)
            verifies.append(v)
        }
        let exportRate = Percentiles(exports).median
        let verifyRate = Percentiles(verifies).median
        Terminal.line(
            "median of \(runs) runs: export \(Format.count(Int64(exportRate)))/s (target ≥ 100,000/s), offline verify \(Format.count(Int64(verifyRate)))/s (target ≥ 200,000/s)"
        )
        return "replay: seek p50 \(Format.fixed(seek.median, 1)) ms p99 \(Format.fixed(seek.at(99), 1)) ms, export \(Format.count(Int64(exportRate)))/s, verify \(Format.count(Int64(verifyRate)))/s"
    }

    func seekTimes(scene: UUID, head: Int64) async throws -> Percentiles {
        let first = try await session.store.events(scene: scene, afterVersion: 0, limit: 1).first!.recordedAtMicros
        let last = try await session.store.events(scene: scene, afterVersion: head - 1, limit: 1).first!.recordedAtMicros
        let loader = ReplayLoader(store: session.store)
        var rng = SplitMix64(seed: 5)
        // One untimed seek opens the pool's connections and warms the caches.
        _ = try await loader.state(scene: scene, at: .version(head / 2))
        var times: [Double] = []
        let progress = ProgressLine("seeks", total: Int64(seeks))
        for i in 0..<seeks {
            let target: ReplayTarget =
                i % 2 == 0
                ? .time(micros: first + Int64(rng.nextUnit() * Double(last - first)))
                : .version(1 + Int64(rng.nextUnit() * Double(head - 1)))
            let start = ProgressLine.now()
            let state = try await loader.state(scene: scene, at: target)
            times.append(Double(ProgressLine.now() - start) / 1e6)
            if case .version(let v) = target, state.version != v {
                throw BenchError("A seek to version \(v) returned version \(state.version).")
            }
            progress.update(Int64(i + 1))
        }
        progress.finish(Int64(seeks))
        return Percentiles(times)
    }

    func exportAndVerify(scene: UUID, run: Int) async throws -> (Double, Double) {
        let file = folder + "/bench-replay-\(ProcessInfo.processInfo.processIdentifier).jsonl"
        let keyFile = folder + "/bench-replay-\(ProcessInfo.processInfo.processIdentifier).key"
        defer {
            for path in [file, AuditExporter.manifestPath(for: file), keyFile] { try? FileManager.default.removeItem(atPath: path) }
        }
        let key = try AuditSigningKey.loadOrCreate(path: keyFile)
        let total = try await session.store.headVersion(of: scene)
        let exportProgress = ProgressLine("export", total: total)
        var start = ProgressLine.now()
        let result = try await AuditExporter(store: session.store, key: key)
            .export(AuditSelection(filter: .scene, id: scene), format: .jsonl, to: file) { exportProgress.update($0) }
        let exportSeconds = Double(ProgressLine.now() - start) / 1e9
        exportProgress.finish(result.manifest.rows)
        guard result.chainBreaks.isEmpty else { throw BenchError("The history scene's chain is broken: \(result.chainBreaks[0]).") }

        let verifyProgress = ProgressLine("verify", total: result.manifest.rows)
        start = ProgressLine.now()
        let report = try await AuditFileVerifier().verifyOffPool(file: file) { verifyProgress.update($0) }
        let verifySeconds = Double(ProgressLine.now() - start) / 1e9
        verifyProgress.finish(report.rows)
        guard report.isIntact else { throw BenchError("The export did not verify: \(report.firstBreak!).") }
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        let exportRate = Double(result.manifest.rows) / exportSeconds
        let verifyRate = Double(report.rows) / verifySeconds
        Terminal.line(
            "run \(run): export \(Format.count(result.manifest.rows)) rows (\(Format.fixed(Double(size) / 1e6, 0)) MB) in \(Format.fixed(exportSeconds, 2)) s: \(Format.count(Int64(exportRate)))/s; offline verify in \(Format.fixed(verifySeconds, 2)) s: \(Format.count(Int64(verifyRate)))/s"
        )
        return (exportRate, verifyRate)
    }
}
