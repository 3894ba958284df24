import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing

/// Against a live `scenecast serve` process and a real PostgreSQL, over the WebSocket.
@Suite("scenecast serve over /signal", .serialized)
struct SignalEndToEndTests {
    func demoScene(_ full: JSONValue) throws -> UUID {
        try #require(full["scene"]?.stringValue.flatMap(UUID.init(uuidString:)))
    }

    /// Waits until every optimistic update has been committed (the ledger reaches `version`).
    func settle(_ store: LedgerStore, _ scene: UUID, at version: Int64) async throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if try await store.headVersion(of: scene) >= version { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestFailure("the ledger did not reach version \(version)")
    }

    @Test("malformed and forbidden input gets structured errors and leaves the ledger unchanged")
    func malformedInput() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "10"])
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let driver = SignalClient(port: server.port)
        let observer = SignalClient(port: server.port)
        do {
            _ = try await driver.join(role: "driver")
            let (_, full) = try await observer.join(role: "observer")
            let scene = try demoScene(full)
            let baseline = Int64(try #require(full["version"]?.doubleValue))
            try await settle(store, scene, at: baseline)
            let devices = try #require(full["devices"]?.arrayValue)
            let connections = try #require(full["connections"]?.arrayValue)
            let a = try #require(devices[0]["id"]?.stringValue)
            let existing = try #require(connections.first)
            let source = try #require(existing["source"]?.stringValue)
            let target = try #require(existing["target"]?.stringValue)
            let kind = try #require(existing["kind"]?.stringValue)
            let id = UUID()
            let ref = id.uuidString.lowercased()

            let cases: [(String, String, String, Bool)] = [
                ("not json at all", "{\"id\":", "bad_json", false),
                ("an unknown type", #"{"id":"\#(ref)","type":"device:explode","timestamp":1,"data":{}}"#, "unknown_type", true),
                ("a missing field", #"{"id":"\#(ref)","type":"device:select","data":{"deviceId":null}}"#, "missing_field", true),
                ("an extra top-level field", #"{"id":"\#(ref)","type":"device:select","timestamp":1,"data":{"deviceId":null},"x":1}"#, "unexpected_field", true),
                ("an extra data field", #"{"id":"\#(ref)","type":"device:drag","timestamp":1,"data":{"deviceId":"\#(a)","position":[0,0,0],"speed":2}}"#, "unexpected_field", true),
                ("a wrong type", #"{"id":"\#(ref)","type":"device:drag","timestamp":1,"data":{"deviceId":"\#(a)","position":"here"}}"#, "wrong_type", true),
                ("NaN", #"{"id":"\#(ref)","type":"camera:zoom","timestamp":1,"data":{"factor":NaN}}"#, "bad_json", false),
                ("an overflowing number", #"{"id":"\#(ref)","type":"camera:zoom","timestamp":1,"data":{"factor":1e999}}"#, "out_of_range", false),
                ("an out-of-range coordinate", #"{"id":"\#(ref)","type":"device:drag","timestamp":1,"data":{"deviceId":"\#(a)","position":[1e9,0,0]}}"#, "out_of_range", true),
                ("a malformed id", #"{"id":"\#(ref)","type":"device:remove","timestamp":1,"data":{"deviceId":"42"}}"#, "invalid_id", true),
                ("an unknown device", #"{"id":"\#(ref)","type":"device:remove","timestamp":1,"data":{"deviceId":"\#(UUID().uuidString.lowercased())"}}"#, "unknown_device", true),
                ("an unknown connection", #"{"id":"\#(ref)","type":"connection:remove","timestamp":1,"data":{"connectionId":"\#(UUID().uuidString.lowercased())"}}"#, "unknown_connection", true),
                ("a self-connection", #"{"id":"\#(ref)","type":"connection:create","timestamp":1,"data":{"sourceDeviceId":"\#(a)","targetDeviceId":"\#(a)","type":"data"}}"#, "self_connection", true),
                ("a duplicate connection", #"{"id":"\#(ref)","type":"connection:create","timestamp":1,"data":{"sourceDeviceId":"\#(target)","targetDeviceId":"\#(source)","type":"\#(kind)"}}"#, "duplicate_connection", true),
                ("a message over 64 KiB", #"{"id":"\#(ref)","type":"device:update","timestamp":1,"data":{"deviceId":"\#(a)","name":"\#(String(repeating: "x", count: 70_000))"}}"#, "too_large", false),
            ]
            for (label, text, code, hasRef) in cases {
                driver.send(text)
                let reply = try await driver.next(type: "error")
                #expect(reply["code"]?.stringValue == code, "\(label): \(reply.canonicalString)")
                #expect((reply["message"]?.stringValue ?? "").count > 10, "\(label) needs a message")
                if hasRef { #expect(reply["ref"]?.stringValue == ref, "\(label) refers to its command") }
            }
            // The observer may not edit.
            observer.send(command("device:drag", ["deviceId": .string(a), "position": [1, 0, 1]], id: id))
            let forbidden = try await observer.next(type: "error")
            #expect(forbidden["code"]?.stringValue == "forbidden")
            #expect(forbidden["ref"]?.stringValue == ref)

            // Nothing reached the ledger, and the server still works.
            #expect(try await store.headVersion(of: scene) == baseline)
            let valid = UUID()
            driver.send(command("device:drag", ["deviceId": .string(a), "position": [2, 0, 3]], id: valid))
            let ack = try await driver.next(type: "ack")
            #expect(ack["ref"]?.stringValue == valid.uuidString.lowercased())
            #expect(ack["version"]?.doubleValue == Double(baseline + 1))
            #expect(try await store.headVersion(of: scene) == baseline + 1)
            #expect(try await store.verify(scene: scene).isIntact)
        } catch {
            Issue.record("server log: \(server.log)")
            throw error
        }
        driver.close()
        observer.close()
        #expect(await server.stop() == 0, "graceful shutdown exits 0")
        await store.close()
    }

    @Test("a driver's edit reaches the observer, is committed, and is there after a reconnect")
    func sharedEdits() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "10"])
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let driver = SignalClient(port: server.port)
        let observer = SignalClient(port: server.port)
        _ = try await driver.join(role: "driver", name: "Ada")
        let (_, full) = try await observer.join(role: "observer", name: "Grace")
        let scene = try demoScene(full)
        let device = try #require(full["devices"]?.arrayValue?.last?["id"]?.stringValue)
        // Connected participants carry their display names (from the session, not the ledger).
        let names = Set((full["participants"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
        #expect(names == ["Ada", "Grace"])

        let id = UUID()
        driver.send(command("device:drag", ["deviceId": .string(device), "position": [7.5, 0, -3.25]], id: id))
        let ack = try await driver.next(type: "ack")
        let version = Int64(try #require(ack["version"]?.doubleValue))
        // The observer sees the move as a state:update carrying the whole device.
        var seen: JSONValue?
        for _ in 0..<10 {
            let update = try await observer.next(type: "state:update")
            if let change = update["changes"]?.arrayValue?.first(where: { $0["op"]?.stringValue == "device.moved" }) {
                seen = change["data"]
                break
            }
        }
        #expect(seen?["id"]?.stringValue == device)
        #expect(seen?["position"] == [7.5, 0, -3.25])
        // Committed in the ledger, by the driver's command, at the acknowledged version.
        let events = try await store.events(scene: scene, afterVersion: version - 1, throughVersion: version)
        #expect(events.count == 1)
        #expect(events.first?.type == "device.moved")
        #expect(events.first?.commandID == id)
        // A reload resumes through state:full with the edit in it.
        driver.close()
        let again = SignalClient(port: server.port)
        let (_, resumed) = try await again.join(role: "driver", name: "Ada")
        let moved = resumed["devices"]?.arrayValue?.first { $0["id"]?.stringValue == device }
        #expect(moved?["position"] == [7.5, 0, -3.25])
        again.close()
        observer.close()
        #expect(await server.stop() == 0)
        await store.close()
    }

    @Test("a click at screen coordinates selects the device under it, and one on the sky clears it")
    func clickPicking() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "5"])
        let client = SignalClient(port: server.port)
        let (joined, full) = try await client.join(role: "driver")
        let me = try #require(joined["participant"]?.stringValue)
        let device = try #require(full["devices"]?.arrayValue?.first)
        let id = try #require(device["id"]?.stringValue)
        let coordinates = device["position"]?.arrayValue?.compactMap(\.doubleValue)
        let position = try #require(coordinates)
        // Look straight at the device from 8 m, level with its middle.
        client.send(command("camera:set", [
            "target": [.number(position[0]), 0.8, .number(position[2])], "distance": 8, "azimuth": 0, "elevation": 5, "fov": 50,
        ]))
        _ = try await client.next(type: "ack")
        client.send(command("device:click", ["x": 640, "y": 360, "width": 1280, "height": 720]))
        var selected: JSONValue?
        for _ in 0..<5 {
            let update = try await client.next(type: "state:update")
            if let change = update["changes"]?.arrayValue?.first(where: { $0["op"]?.stringValue == "selection.changed" }) {
                selected = change["data"]
                break
            }
        }
        #expect(selected?["id"]?.stringValue == me)
        #expect(selected?["selection"]?.stringValue == id)
        // The top of the view is sky: the selection clears.
        client.send(command("device:click", ["x": 640, "y": 2, "width": 1280, "height": 720]))
        var cleared: JSONValue?
        for _ in 0..<5 {
            let update = try await client.next(type: "state:update")
            if let change = update["changes"]?.arrayValue?.first(where: { $0["op"]?.stringValue == "selection.changed" }) {
                cleared = change["data"]
                break
            }
        }
        #expect(cleared?["selection"] == .null)
        client.close()
        await server.stop()
    }

    @Test("/health reports the database and the hosted scenes")
    func health() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "5"])
        let client = SignalClient(port: server.port)
        _ = try await client.join(role: "observer")
        let body = try HTTP.get(port: server.port, path: "/health")
        #expect(body.status == 200)
        let json = try JSONValue.parse(body.body)
        #expect(json["status"]?.stringValue == "ok")
        #expect(json["database"]?["reachable"] == .bool(true))
        #expect(json["scenes"]?.arrayValue?.count == 1)
        let page = try HTTP.get(port: server.port, path: "/")
        #expect(page.status == 200)
        #expect(page.body.contains("<html") || page.body.contains("<!doctype html") || page.body.contains("<!DOCTYPE html"))
        client.close()
        await server.stop()
    }

    @Test("start-up failures are one clear sentence and a non-zero exit")
    func startupErrors() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo)
        let busy = try ServerProcess.run(["serve", "--port", String(server.port), "--database", db.conninfo])
        #expect(busy.status != 0)
        #expect(busy.output.contains("already in use"))
        #expect(!busy.output.contains("Fatal error"))
        await server.stop()

        let unreachable = try ServerProcess.run(["scenes", "list", "--database", "host=/nonexistent-socket-dir user=nobody dbname=none"])
        #expect(unreachable.status != 0)
        #expect(unreachable.output.contains("Could not connect to the database"))

        let badDemo = try ServerProcess.run(["serve", "--demo", "0", "--database", db.conninfo])
        #expect(badDemo.status != 0)
        #expect(badDemo.output.contains("--demo"))

        let unknownScene = try ServerProcess.run(["verify", "--scene", UUID().uuidString, "--database", db.conninfo])
        #expect(unknownScene.status != 0)
        #expect(unknownScene.output.contains("does not exist"))
    }

    @Test("a scenecast copied without its resource folders names them instead of crashing; with them beside it, it runs")
    func missingResources() async throws {
        let db = try await TestDatabase.make()
        let files = FileManager.default
        let directory = files.temporaryDirectory.appendingPathComponent("scenecast-alone-\(UUID().uuidString)")
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? files.removeItem(at: directory) }
        let alone = directory.appendingPathComponent("scenecast")
        try files.copyItem(at: ServerProcess.executable, to: alone)

        let migrate = try ServerProcess.run(["migrate", "--database", db.conninfo], executable: alone)
        #expect(migrate.status == 1)
        #expect(migrate.output.contains("scenecast_SceneLedger.resources/Migrations is missing beside \(alone.path)"))
        #expect(!migrate.output.contains("Fatal error"))
        let serve = try ServerProcess.run(["serve", "--port", String(ServerProcess.freePort()), "--database", db.conninfo], executable: alone)
        #expect(serve.status == 1)
        #expect(serve.output.contains("scenecast_scenecast.resources/Public is missing"))
        #expect(!serve.output.contains("Fatal error"))

        // Beside its folders (here through a symbolic link to the built program), it finds them.
        let link = directory.appendingPathComponent("linked")
        try files.createSymbolicLink(at: link, withDestinationURL: ServerProcess.executable)
        let linked = try ServerProcess.run(["migrate", "--database", db.conninfo], executable: link)
        #expect(linked.status == 0, "\(linked.output)")
        #expect(linked.output.contains("schema is up to date"))
    }
}
