import Foundation
import SceneLedger

#if canImport(Glibc)
import Glibc
#endif

/// `scenecast bench stream`: the whole streaming path, measured from a real browser.
///
/// Starts `scenecast serve --demo 100` (this executable) on a free loopback port and runs
/// Tests/Browser/bench_stream.py, which drives headless Chromium at 1280×720 through
/// Selenium: input-to-photon latency from the client's own tester, the first frame after
/// the WebSocket opens, frames per second while orbiting, the server's CPU per view, and
/// how many light receivers one view holds at 25 fps or more.
struct StreamBench {
    let conninfo: String
    let script: URL
    let probes: Int
    let observersMax: Int
    let videoFPS: Int

    /// The script in the source tree this binary was built from.
    static var defaultScript: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Browser/bench_stream.py")
    }

    func run() async throws -> String {
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw CLIError("The browser script \(script.path) does not exist; pass --browser-script with the path of Tests/Browser/bench_stream.py.")
        }
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver", "/usr/bin/python3"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw CLIError("\(tool) is missing; install chromium, chromium-driver and python3-selenium to run the stream bench.")
        }
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
        return try summarize(lines)
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
        let progress = Progress("starting scenecast serve --demo 100")
        for _ in 0..<900 {
            guard server.isRunning else { throw CLIError("scenecast serve exited early; run it alone to see why.") }
            if Self.canConnect(port: port) {
                progress.finish(0, note: "listening on port \(port)")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CLIError("scenecast serve did not listen on port \(port) within 90 s.")
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
            throw CLIError("The browser side of the stream bench failed: \(failure)")
        }
        return lines.compactMap { line in line.hasPrefix("RESULT ") ? try? JSONValue.parse(String(line.dropFirst(7))) : nil }
    }

    // MARK: Figures

    func summarize(_ results: [JSONValue]) throws -> String {
        func result(_ kind: String) throws -> JSONValue {
            guard let r = results.first(where: { $0["kind"]?.stringValue == kind }) else {
                throw CLIError("The browser side of the stream bench reported no \(kind) figure.")
            }
            return r
        }
        func number(_ r: JSONValue, _ key: String) -> Double { r[key]?.doubleValue ?? .nan }
        let latency = try result("latency")
        let first = try result("first-frame")
        let orbit = try result("orbit")
        let cpu = try result("cpu")
        let observers = try result("observers")
        let ms = { (v: Double) in Format.fixed(v, 1) }
        Terminal.line(
            "input-to-photon over \(Int(number(latency, "count"))) probes (\(Int(number(latency, "lost"))) lost): "
                + "p50 \(ms(number(latency, "p50"))) ms, p95 \(ms(number(latency, "p95"))) ms, p99 \(ms(number(latency, "p99"))) ms"
        )
        let received = number(latency, "received_p50"), inBrowser = number(latency, "browser_p50")
        if received.isFinite, inBrowser.isFinite {
            Terminal.line(
                "where it went (medians, from each frame's receive time): sent to received \(ms(received)) ms "
                    + "(server and network), received to displayed \(ms(inBrowser)) ms (browser)")
        }
        if let browser = results.first(where: { $0["kind"]?.stringValue == "browser" }) {
            Terminal.line(
                "browser share (getStats means): jitter buffer \(ms(number(browser, "jitter_buffer_ms"))) ms, "
                    + "decode \(ms(number(browser, "decode_ms"))) ms per frame"
                    + ((browser["decoder"]?.stringValue).map { $0.isEmpty ? "" : " (\($0))" } ?? "")
            )
        }
        Terminal.line("session start (WebSocket open to first displayed frame), median of page loads: \(ms(number(first, "ms"))) ms")
        if let animating = results.first(where: { $0["kind"]?.stringValue == "animating" }) {
            Terminal.line(
                "while the plant animates: \(Format.fixed(number(animating, "fps"), 1)) fps decoded; server CPU "
                    + "\(Format.fixed(number(animating, "cpu_percent"), 0))% of one core")
        }
        Terminal.line("orbit: \(Format.fixed(number(orbit, "fps"), 1)) fps decoded; server CPU per view: \(Format.fixed(number(cpu, "percent_per_view"), 0))% of one core")
        Terminal.line(
            "observers: \(Int(number(observers, "held"))) held at 25 fps or more while the plant animates (tried "
                + "\(Int(number(observers, "tried"))), slowest \(Format.fixed(number(observers, "slowest_fps"), 1)) fps at the last step)"
        )
        if let orbiting = results.first(where: { $0["kind"]?.stringValue == "observers-orbit" }) {
            Terminal.line(
                "observers while the driver orbits: \(Int(number(orbiting, "receivers"))) receivers, slowest "
                    + "\(Format.fixed(number(orbiting, "slowest_fps"), 1)) fps, median \(Format.fixed(number(orbiting, "median_fps"), 1)) fps")
        }
        return "stream: p50 \(ms(number(latency, "p50"))) ms, p95 \(ms(number(latency, "p95"))) ms, "
            + "first-frame \(Format.fixed(number(first, "ms"), 0)) ms, orbit \(Format.fixed(number(orbit, "fps"), 0)) fps, "
            + "observers \(Int(number(observers, "held")))"
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
