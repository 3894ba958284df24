import ScenecastFixtures
import ScenecastTerminal
package import Foundation
package import SceneLedger

#if canImport(Glibc)
import Glibc
#endif

/// `scenecast bench stream`: the whole streaming path, measured from a real browser.
///
/// Starts `scenecast serve --demo 100` (this executable) on a free loopback port and runs
/// Tests/Browser/bench_stream.py, which drives headless Chromium at 1280×720 through
/// Selenium: input-to-photon latency from the client's own tester, the first frame after
/// the WebSocket opens, frames per second while orbiting, the server's CPU per view, and
/// how many light receivers one view holds at 25 fps or more. With several runs it prints
/// each run's line and reports the median of each figure (`StreamFigures`).
package struct StreamBench {
    let conninfo: String
    let script: URL
    let probes: Int
    let observersMax: Int
    let videoFPS: Int
    /// Independent runs, each with its own server and browser; figures are their medians.
    let runs: Int

    package init(conninfo: String, script: URL, probes: Int, observersMax: Int, videoFPS: Int, runs: Int) {
        self.conninfo = conninfo
        self.script = script
        self.probes = probes
        self.observersMax = observersMax
        self.videoFPS = videoFPS
        self.runs = runs
    }

    /// The script of a checkout, from its root (where the scripts run benches): the bench
    /// never looks for its sources at run time; `--browser-script` names it elsewhere.
    package static var defaultScript: URL {
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Tests/Browser/bench_stream.py")
    }

    package func run() async throws -> String {
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw BenchError("The browser script \(script.path) does not exist; run the bench from a checkout's root or pass --browser-script with the path of Tests/Browser/bench_stream.py.")
        }
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver", "/usr/bin/python3"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw BenchError("\(tool) is missing; install chromium, chromium-driver and python3-selenium to run the stream bench.")
        }
        var figures: [StreamFigures] = []
        for run in 1...runs {
            if runs > 1 { Terminal.writeError("stream bench: run \(run) of \(runs)\n") }
            let one = try await runOnce()
            if runs > 1 {
                Terminal.line("run \(run) of \(runs): \(one.runLine)")
                if one.orbitRendered.isFinite { Terminal.line("run \(run) of \(runs): \(one.orbitStagesLine)") }
            }
            figures.append(one)
        }
        let summary = StreamFigures(medianOf: figures)  // one run: its own figures
        for line in summary.detailLines(runs: runs) { Terminal.line(line) }
        return summary.finalLine
    }

    /// One run: a fresh server and a fresh browser, so runs are independent draws.
    func runOnce() async throws -> StreamFigures {
        let port = Self.freePort()
        let server = try startServer(port: port)
        defer {
            if server.isRunning { kill(server.processIdentifier, SIGTERM) }
            server.waitUntilExit()
        }
        try await waitForServer(server, port: port)
        let lines = try await runScript([
            "--url", "http://127.0.0.1:\(port)", "--server-pid", String(server.processIdentifier),
            "--probes", String(probes), "--observers-max", String(observersMax),
        ])
        return try StreamFigures(lines)
    }

    // MARK: Processes

    func startServer(port: Int) throws -> Process {
        let process = Process()
        process.executableURL = ResourceFolder.executable
        process.arguments = [
            "serve", "--port", String(port), "--database", conninfo, "--demo", "100",
            "--ice-address", "127.0.0.1", "--video-fps", String(videoFPS), "--log-level", "warning",
        ]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    func waitForServer(_ server: Process, port: Int) async throws {
        let progress = ProgressLine("starting scenecast serve --demo 100")
        for _ in 0..<900 {
            guard server.isRunning else { throw BenchError("scenecast serve exited early; run it alone to see why.") }
            if Self.canConnect(port: port) {
                progress.finish(0, note: "listening on port \(port)")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("scenecast serve did not listen on port \(port) within 90 s.")
    }

    /// Runs the browser script, echoing its PROGRESS lines to standard error; returns its RESULT lines.
    func runScript(_ arguments: [String]) async throws -> [JSONValue] {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("scenecast-bench-stream-\(getpid()).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-B", script.path] + arguments
        process.currentDirectoryURL = script.deletingLastPathComponent()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        var shown = 0
        var lines: [Substring] = []
        func drain() {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            lines = text.split(separator: "\n")
            for line in lines.dropFirst(shown) where line.hasPrefix("PROGRESS ") {
                Terminal.writeError("stream bench: \(line.dropFirst(9))\n")
            }
            shown = lines.count
        }
        while process.isRunning {
            drain()
            try await Task.sleep(for: .milliseconds(300))
        }
        try handle.close()
        drain()
        guard process.terminationStatus == 0 else {
            let failure = lines.last { $0.hasPrefix("FAIL ") }.map { String($0.dropFirst(5)) } ?? lines.suffix(5).joined(separator: " | ")
            throw BenchError("The browser side of the stream bench failed: \(failure)")
        }
        return lines.compactMap { line in line.hasPrefix("RESULT ") ? try? JSONValue.parse(String(line.dropFirst(7))) : nil }
    }

    // MARK: Loopback sockets

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = loopback(port: 0)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }
}
