import Foundation
import Logging
import SceneLedger
import ScenecastTestSupport
import Testing
@testable import scenecast
import ScenecastFixtures

/// The server that `serve` runs, built in this process by the same `buildApplication`.
@Suite("buildApplication builds the server serve runs", .serialized)
struct BuildApplicationTests {
    @Test("built in-process: /health names the demo scene, /signal joins it, and a command is acked and committed")
    func inProcess() async throws {
        let db = try await TestDatabase.make()
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        _ = try await store.migrate()
        let session = DatabaseSession(conninfo: db.conninfo, store: store, embedded: nil, appliedMigrations: [])
        let port = ServerProcess.freePort()
        let configuration = ServerConfiguration(
            port: port, demo: 5, publicFolder: try ScenecastServer.publicFolder())
        let server = try await buildApplication(configuration, session: session, logger: db.logger)
        let demo = try #require(server.demoScene)
        #expect(demo == DemoScenes.id(devices: 5))
        let running = Task { try await server.run(handlingSignals: false) }
        let deadline = Date().addingTimeInterval(20)
        while !ServerProcess.canConnect(port: port) && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }

        let health = try HTTP.get(port: port, path: "/health")
        #expect(health.status == 200, "\(health.body)")
        let body = try JSONValue.parse(health.body)
        #expect(body["demoScene"]?.stringValue == demo.uuidString.lowercased())
        #expect(body["database"]?["kind"]?.stringValue == "external")
        let page = try HTTP.get(port: port, path: "/")
        #expect(page.status == 200 && page.body.contains("<script type=\"module\""), "the web client is served")

        let client = SignalClient(port: port)
        let (joined, full) = try await client.join(role: "driver")
        #expect(full["scene"]?.stringValue == demo.uuidString.lowercased())
        #expect(joined["session"]?.stringValue != nil)
        let before = try await store.headVersion(of: demo)
        let id = UUID()
        client.send(command("camera:orbit", ["dAzimuth": 10, "dElevation": 0], id: id))
        let ack = try await client.next(type: "ack")
        #expect(ack["ref"]?.stringValue == id.uuidString.lowercased())
        #expect(try await store.headVersion(of: demo) > before, "the command is in the ledger")
        client.close()

        running.cancel()
        _ = try? await running.value
        await store.close()
    }
}
