import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing

/// A closed binary STL box of 12 triangles, `size` metres on a side.
func binarySTLBox(size: Float = 1) -> [UInt8] {
    let s = size / 2
    let v: [SIMD3<Float>] = [
        [-s, 0, -s], [s, 0, -s], [s, 0, s], [-s, 0, s], [-s, 2 * s, -s], [s, 2 * s, -s], [s, 2 * s, s], [-s, 2 * s, s],
    ]
    let faces: [(Int, Int, Int)] = [
        (0, 1, 2), (0, 2, 3), (4, 6, 5), (4, 7, 6), (0, 4, 5), (0, 5, 1), (1, 5, 6), (1, 6, 2), (2, 6, 7), (2, 7, 3), (3, 7, 4), (3, 4, 0),
    ]
    var out = [UInt8](repeating: 0, count: 80)
    withUnsafeBytes(of: UInt32(faces.count).littleEndian) { out += $0 }
    for (a, b, c) in faces {
        for value in [Float](repeating: 0, count: 3) + [v[a], v[b], v[c]].flatMap({ [$0.x, $0.y, $0.z] }) {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { out += $0 }
        }
        out += [0, 0]
    }
    return out
}

@Suite("Model uploads against a live scenecast serve", .serialized)
struct ModelUploadEndToEndTests {
    @Test("an STL upload is validated, stored once by SHA-256, listed without bytes, and usable by device:add")
    func upload() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "3", "--max-model-mb", "1"])
        let stl = binarySTLBox(size: 2)
        let first = try HTTP.post(port: server.port, path: "/api/models?name=box.stl", body: stl)
        #expect(first.status == 201)
        let record = try JSONValue.parse(first.body)
        let sha = try #require(record["sha256"]?.stringValue)
        #expect(sha.count == 64)
        #expect(record["triangles"] == 12)
        #expect(record["sizeBytes"] == .number(Double(stl.count)))
        // The same bytes again: the same record, nothing new.
        let again = try HTTP.post(port: server.port, path: "/api/models?name=other.stl", body: stl)
        #expect(try JSONValue.parse(again.body)["sha256"]?.stringValue == sha)
        let list = try JSONValue.parse(try HTTP.get(port: server.port, path: "/api/models").body)
        #expect(list["models"]?.arrayValue?.count == 1)
        #expect(!(try HTTP.get(port: server.port, path: "/api/models").body.contains("data")))

        // Broken and oversized files get structured errors and store nothing.
        let truncated = try HTTP.post(port: server.port, path: "/api/models", body: Array(stl.dropLast(20)))
        #expect(truncated.status == 422)
        #expect(try JSONValue.parse(truncated.body)["error"]?["code"]?.stringValue == "stl_truncated")
        let notSTL = try HTTP.post(port: server.port, path: "/api/models", body: Array("hello, not a model".utf8))
        #expect(notSTL.status == 422)
        #expect(try JSONValue.parse(notSTL.body)["error"]?["code"]?.stringValue == "stl_not_stl")
        let huge = try HTTP.post(port: server.port, path: "/api/models", body: [UInt8](repeating: 1, count: (1 << 20) + 100))
        #expect(huge.status == 413)
        #expect(try JSONValue.parse(huge.body)["error"]?["code"]?.stringValue == "too_large")
        #expect(try JSONValue.parse(try HTTP.get(port: server.port, path: "/api/models").body)["models"]?.arrayValue?.count == 1)

        // A device may use the stored model, and not an unknown one.
        let client = SignalClient(port: server.port)
        let (_, full) = try await client.join(role: "driver")
        let scene = try #require(full["scene"]?.stringValue)
        let unknown = UUID()
        client.send(command("device:add", [
            "kind": "custom", "name": "Fixture", "position": [0, 0, 0], "model": ["asset": .string(String(repeating: "0", count: 64))],
        ], id: unknown))
        let refused = try await client.next(type: "error")
        #expect(refused["code"]?.stringValue == "unknown_model")
        #expect(refused["ref"]?.stringValue == unknown.uuidString.lowercased())
        let added = UUID()
        client.send(command("device:add", [
            "kind": "custom", "name": "Fixture", "position": [0, 0, 0], "model": ["asset": .string(sha)],
        ], id: added))
        let ack = try await client.next(type: "ack")
        #expect(ack["ref"]?.stringValue == added.uuidString.lowercased())
        client.close()
        await server.stop()

        // The headless renderer takes the scene with the uploaded model.
        let png = FileManager.default.temporaryDirectory.appendingPathComponent("render-\(UUID()).png")
        let render = try ServerProcess.run(["render", "--scene", scene, "--size", "320x240", "--out", png.path, "--database", db.conninfo])
        #expect(render.status == 0, "\(render.output)")
        #expect(render.output.contains("4 devices"))
        // That render draws the uploaded shape, and the live video the same pixels, is
        // RenderParityEndToEndTests' check (StreamerTests).
        try? FileManager.default.removeItem(at: png)
    }

    @Test("render refuses an unknown scene, a bad size and an unwritable path, in one sentence each")
    func renderErrors() async throws {
        let db = try await TestDatabase.make()
        let unknown = try ServerProcess.run(["render", "--scene", UUID().uuidString, "--out", "/tmp/x.png", "--database", db.conninfo])
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("does not exist"))
        let size = try ServerProcess.run(["render", "--demo", "3", "--size", "641x480", "--out", "/tmp/x.png"])
        #expect(size.status != 0)
        #expect(size.output.contains("--size"))
        let path = try ServerProcess.run(["render", "--demo", "3", "--out", "/nonexistent-folder/x.png"])
        #expect(path.status != 0)
        #expect(path.output.contains("Cannot write"))
        let both = try ServerProcess.run(["render", "--scene", UUID().uuidString, "--camera", "45,35,80", "--camera-of", UUID().uuidString, "--out", "/tmp/x.png"])
        #expect(both.status != 0)
        #expect(both.output.contains("either --camera or --camera-of"))
        let notID = try ServerProcess.run(["render", "--scene", UUID().uuidString, "--camera-of", "ada", "--out", "/tmp/x.png"])
        #expect(notID.status != 0)
        #expect(notID.output.contains("not a session id"))
        let time = try ServerProcess.run(["render", "--demo", "3", "--scene-time", "noon", "--out", "/tmp/x.png"])
        #expect(time.status != 0)
        #expect(time.output.contains("--scene-time"))
        // A participant who was never in the scene: one sentence naming both.
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "3"])
        let client = SignalClient(port: server.port)
        let (_, full) = try await client.join(role: "driver")
        let scene = try #require(full["scene"]?.stringValue)
        client.close()
        await server.stop()
        let stranger = UUID().uuidString.lowercased()
        let absent = try ServerProcess.run(["render", "--scene", scene, "--camera-of", stranger, "--out", "/tmp/x.png", "--database", db.conninfo])
        #expect(absent.status != 0)
        #expect(absent.output.contains("Participant \(stranger) is not in scene \(scene)"), "\(absent.output)")
    }
}
