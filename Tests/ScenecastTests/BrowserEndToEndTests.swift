import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing

/// The web client in Debian's headless Chromium (Selenium, Tests/Browser/run_tests.py)
/// against a live `scenecast serve --demo 100` and a real PostgreSQL: video decodes at the
/// requested size, clicks select, drags move devices and reach the ledger, a driver and an
/// observer share edits, and a reload resumes. With CI=true a missing browser fails the test.
@Suite("the web client in headless Chromium", .serialized)
struct BrowserEndToEndTests {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Browser/run_tests.py")

    static var runs: Bool {
        ProcessInfo.processInfo.environment["CI"] == "true"
            || ["/usr/bin/chromium", "/usr/bin/chromedriver"].allSatisfy(FileManager.default.isExecutableFile(atPath:))
    }

    @Test(
        "video, click, drag, driver and observer, reload, replay, failed video rejoins",
        .enabled(if: runs, "Chromium and chromium-driver are not installed (they are required when CI=true)"),
        .timeLimit(.minutes(10))
    )
    func browserChecks() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "100", "--ice-address", "127.0.0.1"])
        let output: String
        let status: Int32
        do {
            (status, output) = try await Self.runScript(["--url", "http://127.0.0.1:\(server.port)", "--database", db.conninfo])
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        #expect(status == 0, "run_tests.py failed:\n\(output)\nserver log:\n\(server.log.suffix(4000))")
        let results = output.split(separator: "\n").compactMap { line -> JSONValue? in
            guard line.hasPrefix("RESULT ") else { return nil }
            return try? JSONValue.parse(String(line.dropFirst(7)))
        }
        #expect(Set(results.compactMap { $0["kind"]?.stringValue }) == [
            "frames", "marker", "fills", "selected", "dragged", "command-ids", "observer", "detached", "reloaded", "replay", "media-failure",
        ])

        // The drag the browser saw acknowledged is in the ledger.
        let dragged = try #require(results.first { $0["kind"]?.stringValue == "dragged" })
        let scene = try #require(dragged["scene"]?.stringValue.flatMap(UUID.init(uuidString:)))
        let device = try #require(dragged["device"]?.stringValue.flatMap(UUID.init(uuidString:)))
        let coordinates = dragged["position"]?.arrayValue?.compactMap { $0.doubleValue }
        let position = try #require(coordinates)
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let state = try await store.state(scene: scene)
        await store.close()
        let stored = try #require(state.devices[device])
        #expect([stored.position.x, stored.position.y, stored.position.z] == position)
        // The observer's rename check left the driver's name in the ledger; its refused drag left nothing.
        let observer = try #require(results.first { $0["kind"]?.stringValue == "observer" })
        #expect(stored.name == observer["name"]?.stringValue)
    }

    /// Runs the Selenium script with Debian's python3 and returns its exit status and output.
    static func runScript(_ arguments: [String]) async throws -> (Int32, String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("scenecast-browser-\(UUID().uuidString).log")
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
        while process.isRunning { try await Task.sleep(for: .milliseconds(200)) }
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }
}
