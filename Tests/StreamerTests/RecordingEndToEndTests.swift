import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing
@testable import Streamer
import StreamerTesting

/// The real `scenecast serve --demo 3 --admin-token ...` with a webrtcbin receiver joined as
/// driver: recording its view through the admin routes, the index, downloads, refusals
/// and a write error that stops the recording while the stream goes on.
@Suite("scenecast serve records views", .serialized)
struct RecordingEndToEndTests {
    static let token = "rec-test-token"
    static let join = #"{"type":"join","scene":"demo","role":"driver","name":"Ada","media":"video","width":320,"height":240}"#

    /// A server with recording control, a receiver decoding its video, and the view's id and scene.
    func start(_ dataDir: String, extra: [String] = []) async throws -> (ServerProcess, ServeVideoJoin, view: String, scene: String) {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(
            database: db.conninfo,
            extra: ["--demo", "3", "--ice-address", "127.0.0.1", "--data-dir", dataDir, "--admin-token", Self.token] + extra
        )
        let client = try ServeVideoJoin(port: server.port, join: Self.join)
        let decoded = await VideoClient.eventually { client.receiver.framesReceived >= 3 }
        #expect(decoded, "frames \(client.receiver.framesReceived); log: \(server.log)")
        let views = try JSONValue.parse(try HTTP.get(port: server.port, path: "/api/views").body)
        let view = try #require(views["views"]?.arrayValue?.first, "no view listed: \(views.canonicalString)")
        return (server, client, view["id"]?.stringValue ?? "", view["scene"]?.stringValue ?? "")
    }

    func control(_ port: Int, _ action: String, view: String, token: String? = token) throws -> (status: Int, body: JSONValue) {
        let answer = try HTTP.post(
            port: port, path: "/api/recordings/\(action)?view=\(view)", body: [],
            headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
        )
        return (answer.status, try JSONValue.parse(answer.body))
    }

    func recordings(_ port: Int) throws -> [JSONValue] {
        try JSONValue.parse(try HTTP.get(port: port, path: "/api/recordings").body)["recordings"]?.arrayValue ?? []
    }

    @Test("start and stop by admin: a decodable MP4 segment, indexed with its size and SHA-256, listed and downloadable")
    func recordsAView() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let (server, client, view, scene) = try await start(dataDir, extra: ["--record-segment-seconds", "2"])

        let missing = try control(server.port, "start", view: view, token: nil)
        #expect(missing.status == 403 && missing.body["error"]?["code"]?.stringValue == "bad_token")
        let wrong = try control(server.port, "start", view: view, token: "not-the-token")
        #expect(wrong.status == 403 && wrong.body["error"]?["code"]?.stringValue == "bad_token")
        #expect(try recordings(server.port).isEmpty)

        // Started and stopped at once (most likely before the first keyframe): whatever it
        // leaves, every segment indexed as complete must decode.
        #expect(try control(server.port, "start", view: view).status == 200)
        #expect(try control(server.port, "stop", view: view).status == 200)

        let started = try control(server.port, "start", view: view)
        #expect(started.status == 200 && started.body["view"]?["recording"] == .bool(true), "\(started.body.canonicalString)")
        let before = client.receiver.framesReceived
        #expect(await VideoClient.eventually { client.receiver.framesReceived >= before + 6 })
        let stopped = try control(server.port, "stop", view: view)
        #expect(stopped.status == 200 && stopped.body["view"]?["recording"] == .bool(false))
        let again = try control(server.port, "stop", view: view)
        #expect(again.status == 409)

        #expect(await VideoClient.eventually { ((try? recordings(server.port)) ?? []).contains { $0["status"]?.stringValue == "complete" } })
        let list = try recordings(server.port)
        let segment = try #require(list.first { $0["status"]?.stringValue == "complete" }, "\(list); log: \(server.log)")
        let path = try #require(segment["path"]?.stringValue)
        #expect(path.hasPrefix("\(dataDir)/recordings/\(scene)/\(view)/"))
        #expect(segment["view"]?.stringValue == view && segment["session"]?.stringValue == view)
        #expect(segment["scene"]?.stringValue == scene)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(segment["bytes"]?.doubleValue == Double(bytes.count) && !bytes.isEmpty)
        #expect(segment["sha256"]?.stringValue == (try Self.sha256sum(path)))
        let decoded = try MP4ReadBack.decode(path)
        #expect(decoded.frames > 0)
        for row in list where row["status"]?.stringValue == "complete" {
            #expect(try MP4ReadBack.decode(row["path"]?.stringValue ?? "").frames > 0, "\(row.canonicalString)")
        }

        let id = Int(segment["id"]?.doubleValue ?? 0)
        let download = try HTTP.exchange(port: server.port, method: "GET", path: "/api/recordings/\(id)")
        #expect(download.status == 200 && download.head.lowercased().contains("content-type: video/mp4"))
        #expect(download.body == Array(bytes))
        #expect(try HTTP.get(port: server.port, path: "/api/recordings/999999").status == 404)

        await client.close()
        #expect(await server.stop() == 0)
    }

    @Test("a write error stops the recording with a failed index row; the receiver keeps counting frames")
    func writeErrorStopsOnlyTheRecording() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let (server, client, view, scene) = try await start(dataDir, extra: ["--record-segment-seconds", "1"])
        _ = try control(server.port, "start", view: view)
        // The next segment's file name is taken by a directory: filesink cannot open it (even as
        // root). A recording numbers on past the files already there, so block the one after
        // the newest, again if the recording got there first.
        let folder = "\(dataDir)/recordings/\(scene)/\(view)"
        var blocked = false
        for _ in 0..<50 where !blocked {
            let next = String(format: "%05d", RecordingBranch.nextSegmentIndex(in: folder))
            blocked = (try? FileManager.default.createDirectory(atPath: "\(folder)/segment-\(next).mp4", withIntermediateDirectories: true)) != nil
        }
        #expect(blocked)
        #expect(await VideoClient.eventually { ((try? recordings(server.port)) ?? []).contains { $0["status"]?.stringValue == "failed" } })
        let failed = try recordings(server.port).first { $0["status"]?.stringValue == "failed" }
        #expect(failed?["view"]?.stringValue == view && failed?["sha256"] == .null)
        #expect(failed?["error"]?.stringValue?.contains("filesink") == true || failed?["error"]?.stringValue?.contains("Could not open") == true)
        let after = client.receiver.framesReceived
        #expect(await VideoClient.eventually { client.receiver.framesReceived >= after + 4 }, "log: \(server.log)")
        #expect(server.log.contains("recording stopped by a write error"))
        let views = try JSONValue.parse(try HTTP.get(port: server.port, path: "/api/views").body)
        #expect(views["views"]?.arrayValue?.first?["recording"] == .bool(false))
        #expect(try control(server.port, "stop", view: view).status == 409)
        await client.close()
        #expect(await server.stop() == 0)
    }

    @Test("serve --record --record-format mkv: a view records from its start; its last segment is indexed when the view stops")
    func alwaysOnMatroska() async throws {
        let dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let (server, client, view, _) = try await start(dataDir, extra: ["--record", "--record-format", "mkv", "--record-segment-seconds", "1"])
        let views = try JSONValue.parse(try HTTP.get(port: server.port, path: "/api/views").body)
        #expect(views["views"]?.arrayValue?.first?["recording"] == .bool(true))
        let before = client.receiver.framesReceived
        #expect(await VideoClient.eventually { client.receiver.framesReceived >= before + 4 })
        await client.close()
        #expect(await VideoClient.eventually { ((try? recordings(server.port)) ?? []).contains { $0["status"]?.stringValue == "complete" } })
        let segment = try #require(try recordings(server.port).first { $0["status"]?.stringValue == "complete" }, "log: \(server.log)")
        #expect(segment["view"]?.stringValue == view)
        let path = try #require(segment["path"]?.stringValue)
        #expect(path.hasSuffix(".mkv"))
        #expect(try MP4ReadBack.decode(path, demuxer: "matroskademux").frames > 0)
        let download = try HTTP.exchange(port: server.port, method: "GET", path: "/api/recordings/\(Int(segment["id"]?.doubleValue ?? 0))")
        #expect(download.status == 200 && download.head.lowercased().contains("content-type: video/x-matroska"))
        #expect(await server.stop() == 0)
    }

    @Test("without a configured admin token the control routes answer 403 admin_disabled")
    func noTokenConfigured() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--ice-address", "127.0.0.1"])
        let answer = try HTTP.post(port: server.port, path: "/api/recordings/start?view=x", body: [], headers: ["Authorization": "Bearer x"])
        #expect(answer.status == 403)
        #expect(try JSONValue.parse(answer.body)["error"]?["code"]?.stringValue == "admin_disabled")
        #expect(await server.stop() == 0)
    }

    static func sha256sum(_ path: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(String(decoding: data, as: UTF8.self).prefix(64))
    }
}
