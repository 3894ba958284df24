import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing

/// A client that stops reading, against a live `scenecast serve`: the server closes its
/// connection (the stuck write does not hold it open), drops it from the scene, and keeps
/// serving everyone else.
@Suite("Slow consumers over /signal", .serialized)
struct SlowConsumerEndToEndTests {
    @Test("a client that keeps sending but stops reading is cut off; the scene and the other participants carry on")
    func stoppedReaderIsClosed() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(
            database: db.conninfo, extra: ["--demo", "10", "--outbound-queue-kb", "32", "--stall-seconds", "1"]
        )
        let watcher = SignalClient(port: server.port)
        do {
            let (_, watcherFull) = try await watcher.join(role: "observer", name: "watcher")
            let device = try #require(watcherFull["devices"]?.arrayValue?.first?["id"]?.stringValue)

            let stalled = try RawWebSocket(port: server.port)
            let join: JSONValue = ["type": "join", "scene": "demo", "role": "driver", "name": "stops reading"]
            #expect(stalled.sendText(join.canonicalString))
            // The stalled driver never reads. Each rename comes back to it as an update and
            // an ack, about 700 bytes, so its 4 KiB receive window and the server's socket
            // buffer fill within a few thousand commands; then the server must cut it off.
            let name = String(repeating: "x", count: 180)
            var sent = 0
            var refused = false
            let start = Date()
            while Date().timeIntervalSince(start) < 60 {
                let rename = command("device:update", ["deviceId": .string(device), "name": .string("\(name) \(sent)")])
                guard stalled.sendText(rename.canonicalString) else {
                    refused = true
                    break
                }
                sent += 1
                if sent % 200 == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            // The server closed the connection: sends fail, or what is left to read ends.
            let drained = stalled.drainUntilClosed(within: 30)
            #expect(refused || drained != nil, "the connection of a client that stopped reading is still open after \(sent) commands")
            #expect(sent > 100, "only \(sent) commands went out before the connection closed")

            // The server carries on: the watcher still gets updates, and a new participant's
            // state:full no longer lists the one that was cut off.
            // (Its leave is recorded as the connection's handler ends, so allow it a moment.)
            var names: [String] = []
            let deadline = Date().addingTimeInterval(15)
            repeat {
                let later = SignalClient(port: server.port)
                let (_, laterFull) = try await later.join(role: "observer", name: "later")
                names = laterFull["participants"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                later.close()
                if !names.contains("stops reading") { break }
                try await Task.sleep(for: .milliseconds(500))
            } while Date() < deadline
            #expect(!names.contains("stops reading"), "the cut-off participant is still listed after 15 s: \(names)")
            #expect(names.contains("watcher"))
        } catch {
            watcher.close()
            await server.stop()
            throw error
        }
        watcher.close()
        // ... and still stops gracefully.
        let status = await server.stop()
        #expect(status == 0, "serve exited with \(status): \(server.log.suffix(2000))")
        #expect(server.log.contains("stopped reading"), "the server did not say why it closed the connection")
    }
}
