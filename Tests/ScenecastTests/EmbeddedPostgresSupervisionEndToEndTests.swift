import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `scenecast serve` with its own embedded PostgreSQL, whose server is killed under it.
@Suite("serve supervises its embedded PostgreSQL", .serialized)
struct EmbeddedPostgresSupervisionEndToEndTests {
    @Test("the killed embedded server is started again: /health shows restarting, then running with one restart, and a command sent after is committed")
    func restartAfterKill() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scpg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await ServerProcess(embeddedDataDirectory: directory, extra: ["--demo", "3"])
        let cluster = directory + "/pgdata"

        func health() throws -> (status: Int, body: JSONValue) {
            let answer = try HTTP.get(port: server.port, path: "/health")
            return (answer.status, try JSONValue.parse(answer.body))
        }
        let before = try health()
        #expect(before.status == 200)
        #expect(before.body["database"]?["kind"]?.stringValue == "embedded")
        #expect(before.body["database"]?["embedded"]?["state"]?.stringValue == "running")
        #expect(before.body["database"]?["embedded"]?["restarts"] == 0)

        let killed = try #require(EmbeddedPostgres.PidFile.read(clusterDirectory: cluster)?.pid)
        #expect(kill(killed, SIGKILL) == 0)

        // Watch /health until it is back: it must pass through "restarting" (503, degraded).
        var states: [String] = []
        var sawDegraded = false
        var back: JSONValue?
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            let now = try health()
            let state = now.body["database"]?["embedded"]?["state"]?.stringValue ?? "?"
            if states.last != state { states.append(state) }
            if state == "restarting" && now.status == 503 && now.body["status"]?.stringValue == "degraded" { sawDegraded = true }
            if state == "running", now.status == 200, now.body["database"]?["embedded"]?["restarts"] == 1 {
                back = now.body
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(states.contains("restarting") && sawDegraded, "states seen: \(states)\n\(server.log.suffix(3000))")
        let recovered = try #require(back, "not back within 90 s; states seen: \(states)\n\(server.log.suffix(3000))")
        #expect(recovered["database"]?["reachable"] == .bool(true))
        #expect(recovered["database"]?["embedded"]?["lastError"]?.stringValue?.isEmpty == false)
        let restarted = try #require(EmbeddedPostgres.PidFile.read(clusterDirectory: cluster)?.pid)
        #expect(restarted != killed)

        // A command sent now is committed to the restarted server's ledger.
        let client = SignalClient(port: server.port)
        let store = LedgerStore(
            conninfo: "host=\(EmbeddedPostgres(dataDirectory: directory, logger: testLogger).socketDirectory) port=5432 user=scenecast dbname=scenecast",
            logger: testLogger)
        do {
            let (_, full) = try await client.join(role: "driver")
            let scene = try #require(full["scene"]?.stringValue.flatMap(UUID.init(uuidString:)))
            let device = try #require(full["devices"]?.arrayValue?.first?["id"]?.stringValue)
            let id = UUID()
            client.send(command("device:drag", ["deviceId": .string(device), "position": [3, 0, 4]], id: id))
            // The writer and the scene host reconnect on their own; the ack means committed.
            let ack = try await client.next(type: "ack", within: 60)
            #expect(ack["ref"]?.stringValue == id.uuidString.lowercased(), "\(ack.canonicalString)")
            let version = Int64(try #require(ack["version"]?.doubleValue))
            let stored = try await store.events(scene: scene, afterVersion: version - 1, throughVersion: version)
            #expect(stored.count == 1 && stored.first?.commandID == id && stored.first?.type == "device.moved")
        } catch {
            Issue.record("server log: \(server.log.suffix(3000))")
            throw error
        }
        client.close()
        await store.close()
        #expect(await server.stop() == 0)
        // serve started the embedded server, so it stopped it, the restarted one too.
        #expect(EmbeddedPostgres(dataDirectory: directory, logger: testLogger).status() == .stopped)
    }
}
