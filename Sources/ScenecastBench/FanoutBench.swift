import ScenecastTerminal
import Foundation
import SceneLedger
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// `scenecast bench fanout`: many participants on one scene over the `/signal` WebSocket.
///
/// Starts `scenecast serve --demo 100` (this executable) on a free loopback port, joins
/// `participants` observers without video (`"media":"none"`) and one driver to the demo
/// scene, then for `duration` seconds each observer sends 10 `camera:orbit` a second and
/// the driver 10 `device:drag` a second. It measures each command's time to its `ack`
/// (p50, p99), the commands lost (no ack within 5 s), the messages the clients received,
/// and the server process's CPU from `/proc/PID/stat` over the same time. With several
/// runs (each with its own server) it reports the median of each figure.
package struct FanoutBench {
    let conninfo: String
    let participants: Int
    let duration: Int
    let runs: Int
    /// Commands a second for each participant and the driver.
    let rate: Int

    /// A command without an ack this long after it was sent counts as lost.
    static let lostAfterMillis = 5_000.0

    package init(conninfo: String, participants: Int, duration: Int, runs: Int, rate: Int) {
        self.conninfo = conninfo
        self.participants = participants
        self.duration = duration
        self.runs = runs
        self.rate = rate
    }

    package func run() async throws -> String {
        var figures: [FanoutFigures] = []
        for run in 1...runs {
            if runs > 1 { Terminal.writeError("fanout bench: run \(run) of \(runs)\n") }
            let one = try await runOnce()
            Terminal.line("run \(run) of \(runs): \(one.line)")
            figures.append(one)
        }
        return FanoutFigures(medianOf: figures).line
    }

    func runOnce() async throws -> FanoutFigures {
        let stream = StreamBench(conninfo: conninfo, script: StreamBench.defaultScript, probes: 0, observersMax: 0, videoFPS: 30, runs: 1)
        let port = StreamBench.freePort()
        let server = Process()
        server.executableURL = ResourceFolder.executable
        server.arguments = ["serve", "--port", String(port), "--database", conninfo, "--demo", "100", "--log-level", "error"]
        server.standardOutput = FileHandle.nullDevice
        try server.run()
        defer {
            if server.isRunning { kill(server.processIdentifier, SIGTERM) }
            server.waitUntilExit()
        }
        try await stream.waitForServer(server, port: port)
        try await settle(server.processIdentifier)

        let driver = Participant(kind: .driver, port: port)
        let observers = (0..<participants).map { _ in Participant(kind: .observer, port: port) }
        let everyone = [driver] + observers
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for p in everyone { group.addTask { await p.connect() } }
            defer {
                for p in everyone { p.close() }
            }
            try await waitForJoins(everyone)
            let figures = try await measure(everyone, driver: driver, pid: server.processIdentifier)
            // Stop the server before the clients: a swamped server would take long to
            // close hundreds of connections cleanly, and the figures are in.
            Terminal.writeError("fanout bench: \(figures.line)\n")
            Self.stop(server)
            for p in everyone { p.close() }
            try await group.waitForAll()
            return figures
        }
    }

    /// SIGTERM, then SIGKILL after 3 s: a swamped server drains its backlog before it exits.
    static func stop(_ server: Process) {
        kill(server.processIdentifier, SIGTERM)
        for _ in 0..<30 where server.isRunning { usleep(100_000) }
        if server.isRunning { kill(server.processIdentifier, SIGKILL) }
    }

    /// Waits (up to 120 s) until the server's start-up work (meshes, levels of detail)
    /// is done: less than a fifth of a core over a second.
    private func settle(_ pid: Int32) async throws {
        let progress = ProgressLine("fanout bench: waiting for the server to settle")
        for second in 0..<120 {
            let before = ProcessCPU.read(pid: pid)
            try await Task.sleep(for: .seconds(1))
            guard let before, let after = ProcessCPU.read(pid: pid) else { break }
            progress.update(Int64(second + 1), note: "\(Format.fixed((after - before) * 100, 0))% CPU")
            if after - before < 0.2 { break }
        }
        progress.finish(0)
    }

    /// Waits until every participant has joined (driver: and seen a device).
    private func waitForJoins(_ everyone: [Participant]) async throws {
        let progress = ProgressLine("fanout bench: joining", total: Int64(everyone.count))
        let deadline = WallClock.monotonicNanos() + 120_000_000_000
        while true {
            let joined = everyone.filter(\.isJoined).count
            if joined == everyone.count {
                progress.finish(Int64(joined))
                return
            }
            if let failed = everyone.first(where: { p in p.tally.withLock { $0.closed } }) {
                let why = failed.tally.withLock { $0.firstError } ?? "the connection closed"
                throw BenchError("A bench participant could not join: \(why)")
            }
            guard WallClock.monotonicNanos() < deadline else {
                throw BenchError("Only \(joined) of \(everyone.count) participants joined within 120 s.")
            }
            progress.update(Int64(joined))
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Sends for `duration` seconds, then waits up to 5 s for the last acks.
    private func measure(_ everyone: [Participant], driver: Participant, pid: Int32) async throws -> FanoutFigures {
        let periodNanos = UInt64(1_000_000_000 / rate)
        let start = WallClock.monotonicNanos()
        let end = start + UInt64(duration) * 1_000_000_000
        let cpuStart = ProcessCPU.read(pid: pid)
        let ownStart = ProcessCPU.read(pid: getpid())
        let received0 = everyone.reduce(0) { $0 + $1.tally.withLock { $0.received } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, p) in everyone.enumerated() {
                // Spread the participants' sends over the period.
                let phase = UInt64(i) * periodNanos / UInt64(everyone.count)
                group.addTask {
                    var n = 0
                    var next = start + phase
                    while next < end {
                        let now = WallClock.monotonicNanos()
                        if next > now { try await Task.sleep(for: .nanoseconds(Int(next - now))) }
                        p.sendCommand(n)
                        n += 1
                        next += periodNanos
                    }
                }
            }
            group.addTask {
                while WallClock.monotonicNanos() < end {
                    try await Task.sleep(for: .seconds(5))
                    let t = everyone.map { $0.tally.withLock { ($0.sent, $0.acked) } }
                    let elapsed = Double(WallClock.monotonicNanos() - start) / 1e9
                    let sent = t.reduce(0) { $0 + $1.0 }
                    let acked = t.reduce(0) { $0 + $1.1 }
                    Terminal.writeError(
                        "fanout bench: \(Format.fixed(min(elapsed, Double(duration)), 0)) s of \(duration), \(sent) commands sent, \(acked) acked\n")
                }
            }
            try await group.waitForAll()
        }
        let sendEnd = WallClock.monotonicNanos()
        let cpuEnd = ProcessCPU.read(pid: pid)
        if let ownStart, let ownEnd = ProcessCPU.read(pid: getpid()) {
            let seconds = Double(WallClock.monotonicNanos() - start) / 1e9
            Terminal.writeError("fanout bench: the bench's own clients used \(Format.fixed((ownEnd - ownStart) / seconds * 100, 0))% CPU\n")
        }
        let wall = Double(sendEnd - start) / 1e9
        // The last commands get their 5 s too.
        let drainDeadline = sendEnd + UInt64(Self.lostAfterMillis * 1e6)
        while WallClock.monotonicNanos() < drainDeadline {
            if everyone.allSatisfy({ $0.tally.withLock { $0.outstanding.isEmpty } }) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        var latencies: [Double] = []
        var sent = 0, lost = 0, errors = 0, received = 0, closed = 0
        var firstError: String?
        for p in everyone {
            let t = p.tally.withLock { $0 }
            latencies += t.latenciesMillis
            sent += t.sent
            lost += t.late + t.outstanding.count
            errors += t.errors
            received += t.received
            if t.closed { closed += 1 }
            firstError = firstError ?? t.firstError
        }
        if let firstError { Terminal.writeError("fanout bench: first error: \(firstError)\n") }
        latencies.sort()
        let cpuSeconds = cpuEnd.map { end in cpuStart.map { end - $0 } ?? .nan } ?? .nan
        return FanoutFigures(
            participants: participants, sent: sent, p50: FanoutFigures.percentile(latencies, 0.50),
            p99: FanoutFigures.percentile(latencies, 0.99), lost: lost, errors: errors, closed: closed,
            receivedPerSecond: Double(received - received0) / wall, cpuPercent: cpuSeconds / wall * 100,
            cores: ProcessCPU.cores)
    }
}
