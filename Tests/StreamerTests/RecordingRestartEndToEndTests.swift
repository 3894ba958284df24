import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing
@testable import Streamer
import StreamerTesting

/// `scenecast serve --record` against real PostgreSQL and GStreamer with a webrtcbin
/// receiver: a recording that fails (a write error, or a start that cannot create its
/// folder) starts again after the backoff's wait, shown in `/api/views`.
@Suite("scenecast serve --record restarts failed recordings", .serialized)
struct RecordingRestartEndToEndTests {
    static let join = #"{"type":"join","scene":"demo","role":"driver","name":"Ada","media":"video","width":320,"height":240}"#
    static let token = "restart-test-token"

    func recordings(_ port: Int) -> [JSONValue] {
        ((try? JSONValue.parse(try HTTP.get(port: port, path: "/api/recordings").body))?["recordings"]?.arrayValue) ?? []
    }

    func view(_ port: Int) -> JSONValue? {
        (try? JSONValue.parse(try HTTP.get(port: port, path: "/api/views").body))?["views"]?.arrayValue?.first
    }

    func server(_ dataDir: String) async throws -> ServerProcess {
        let db = try await TestDatabase.make()
        return try await ServerProcess(
            database: db.conninfo,
            extra: [
                "--demo", "3", "--ice-address", "127.0.0.1", "--data-dir", dataDir, "--record", "--record-segment-seconds", "1",
                "--admin-token", Self.token,
            ]
        )
    }

    @Test("a write error mid-recording: a failed row, then the recording starts again and writes decodable segments")
    func restartsAfterWriteError() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let server = try await server(dataDir)
        let client = try ServeVideoJoin(port: server.port, join: Self.join)
        #expect(await VideoClient.eventually { client.receiver.framesReceived >= 3 }, "log: \(server.log)")
        let listed = try #require(view(server.port), "log: \(server.log)")
        #expect(listed["recording"] == .bool(true))
        let folder = "\(dataDir)/recordings/\(listed["scene"]?.stringValue ?? "")/\(listed["id"]?.stringValue ?? "")"

        // The next segment's file name is taken by a directory: filesink cannot open it.
        var blocked: Int?
        for _ in 0..<50 where blocked == nil {
            let next = RecordingBranch.nextSegmentIndex(in: folder)
            let path = "\(folder)/segment-\(String(format: "%05d", next)).mp4"
            if (try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)) != nil { blocked = next }
        }
        let blockedIndex = try #require(blocked)
        let failed = await VideoClient.eventually { recordings(server.port).contains { $0["status"]?.stringValue == "failed" } }
        #expect(failed, "log: \(server.log)")
        #expect(server.log.contains("recording failed; it restarts after a wait"))

        // It starts again on its own, numbering on past the blocked name, and writes segments.
        let restarted = await VideoClient.eventually {
            guard let v = view(server.port) else { return false }
            return v["recording"] == .bool(true) && (v["restart"]?["restarts"]?.doubleValue ?? 0) >= 1
        }
        #expect(restarted, "views: \(view(server.port)?.canonicalString ?? "none"); log: \(server.log)")
        #expect(view(server.port)?["restart"]?["lastError"]?.stringValue?.isEmpty == false)
        func laterSegment() -> JSONValue? {
            recordings(server.port).first { row in
                guard row["status"]?.stringValue == "complete", let path = row["path"]?.stringValue else { return false }
                let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
                return Int(name.dropFirst("segment-".count)).map { $0 > blockedIndex } ?? false
            }
        }
        #expect(await VideoClient.eventually { laterSegment() != nil }, "rows: \(recordings(server.port)); log: \(server.log)")
        let segment = try #require(laterSegment())
        #expect(try MP4ReadBack.decode(segment["path"]?.stringValue ?? "").frames > 0)
        await client.close()
        #expect(await server.stop() == 0)
    }

    func control(_ port: Int, _ action: String, view: String) throws -> (status: Int, body: JSONValue) {
        let answer = try HTTP.post(
            port: port, path: "/api/recordings/\(action)?view=\(view)", body: [], headers: ["Authorization": "Bearer \(Self.token)"])
        return (answer.status, try JSONValue.parse(answer.body))
    }

    /// A server whose demo scene's recordings folder is a file, so no view of it can start
    /// recording, and a receiver joined as driver; returns the obstacle's path.
    func blockedStart(_ server: ServerProcess, _ dataDir: String) async throws -> (ServeVideoJoin, obstacle: String) {
        let health = try JSONValue.parse(try HTTP.get(port: server.port, path: "/health").body)
        let scene = try #require(health["demoScene"]?.stringValue)
        try FileManager.default.createDirectory(atPath: "\(dataDir)/recordings", withIntermediateDirectories: true)
        let obstacle = "\(dataDir)/recordings/\(scene)"
        #expect(FileManager.default.createFile(atPath: obstacle, contents: Data("not a folder".utf8)))
        let client = try ServeVideoJoin(port: server.port, join: Self.join)
        #expect(await VideoClient.eventually { client.receiver.framesReceived >= 3 }, "log: \(server.log)")
        return (client, obstacle)
    }

    @Test("an admin stop drops a waiting restart; an admin start starts at once")
    func adminStopDropsTheRestart() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let server = try await server(dataDir)
        let (client, obstacle) = try await blockedStart(server, dataDir)
        let waiting = await VideoClient.eventually { view(server.port)?["restart"]?["retryAt"]?.stringValue != nil }
        #expect(waiting, "views: \(view(server.port)?.canonicalString ?? "none"); log: \(server.log)")
        let id = try #require(view(server.port)?["id"]?.stringValue)
        let stopped = try control(server.port, "stop", view: id)
        #expect(stopped.status == 200 && stopped.body["view"]?["recording"] == .bool(false), "\(stopped.body.canonicalString)")
        #expect(stopped.body["view"]?["restart"]?["retryAt"] == .null)
        // Nothing waits any more, so a second stop finds nothing to stop.
        #expect(try control(server.port, "stop", view: id).status == 409)
        try FileManager.default.removeItem(atPath: obstacle)
        let started = try control(server.port, "start", view: id)
        #expect(started.status == 200 && started.body["view"]?["recording"] == .bool(true), "\(started.body.canonicalString)")
        await client.close()
        #expect(await server.stop() == 0)
    }

    @Test("a start that fails is retried with growing waits, shown in /api/views, until the folder can be made")
    func retriesAFailedStart() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let server = try await server(dataDir)
        let (client, obstacle) = try await blockedStart(server, dataDir)
        // Each try fails and is indexed; the view shows the failures and when the next try runs.
        let retrying = await VideoClient.eventually {
            guard let v = view(server.port), let restart = v["restart"] else { return false }
            return v["recording"] == .bool(false) && (restart["failuresInRow"]?.doubleValue ?? 0) >= 2
                && restart["retryAt"]?.stringValue != nil
        }
        #expect(retrying, "views: \(view(server.port)?.canonicalString ?? "none"); log: \(server.log)")
        #expect(recordings(server.port).filter { $0["status"]?.stringValue == "failed" }.count >= 2)
        #expect(view(server.port)?["restart"]?["lastError"]?.stringValue?.contains("cannot be created") == true)
        // The frames keep coming meanwhile.
        let frames = client.receiver.framesReceived
        #expect(await VideoClient.eventually { client.receiver.framesReceived >= frames + 4 })

        try FileManager.default.removeItem(atPath: obstacle)
        let recovered = await VideoClient.eventually {
            guard let v = view(server.port) else { return false }
            return v["recording"] == .bool(true) && (v["restart"]?["restarts"]?.doubleValue ?? 0) >= 1 && v["restart"]?["retryAt"] == .null
        }
        #expect(recovered, "views: \(view(server.port)?.canonicalString ?? "none"); log: \(server.log)")
        let resumed = client.receiver.framesReceived
        #expect(await VideoClient.eventually { client.receiver.framesReceived >= resumed + 6 })
        await client.close()
        #expect(await VideoClient.eventually { recordings(server.port).contains { $0["status"]?.stringValue == "complete" } })
        let segment = try #require(recordings(server.port).first { $0["status"]?.stringValue == "complete" }, "log: \(server.log)")
        #expect(try MP4ReadBack.decode(segment["path"]?.stringValue ?? "").frames > 0)
        #expect(await server.stop() == 0)
    }
}
