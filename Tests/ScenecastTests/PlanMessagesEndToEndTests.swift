import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing

/// The plan's input messages (section 4.2.2), sent as the plan writes them (no `id`), over
/// the real `/signal` WebSocket of a live `scenecast serve` and a real PostgreSQL.
@Suite("scenecast serve: the plan's message shapes", .serialized)
struct PlanMessagesEndToEndTests {
    /// An `InputCommand` exactly as the plan writes it: `type`, `timestamp`, `data`.
    func planMessage(_ type: String, _ data: JSONValue) -> JSONValue {
        ["type": .string(type), "timestamp": 1_704_067_200_000, "data": data]
    }

    /// The ack of the last command; its ref is the id the server gave the command.
    func ackedID(_ client: SignalClient) async throws -> (UUID, Int64) {
        let ack = try await client.next(type: "ack")
        let ref = try #require(ack["ref"]?.stringValue.flatMap(UUID.init(uuidString:)), "ack: \(ack.canonicalString)")
        return (ref, Int64(try #require(ack["version"]?.doubleValue)))
    }

    /// The one event the ledger holds at `version`, which `command` recorded.
    func storedEvent(_ store: LedgerStore, _ scene: UUID, at version: Int64, by command: UUID) async throws -> (SceneEvent, [UInt8]) {
        let events = try await store.events(scene: scene, afterVersion: version - 1, throughVersion: version)
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.commandID == command)
        #expect(event.clientTimeMillis == 1_704_067_200_000)
        return (try event.decodedEvent(), event.payload)
    }

    @Test("camera:orbit, device:click, device:drag and connection:create in the plan's form are recorded as the typed commands' events")
    func planShapedMessages() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "5"])
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let client = SignalClient(port: server.port)
        do {
            // A 640×360 view: the click's pixels are of that size.
            client.send(["type": "join", "scene": "demo", "role": "driver", "name": "plan", "width": 640, "height": 360])
            let joined = try await client.next(type: "joined")
            let full = try await client.next(type: "state:full")
            let me = try #require(joined["participant"]?.stringValue.flatMap(UUID.init(uuidString:)))
            let scene = try #require(full["scene"]?.stringValue.flatMap(UUID.init(uuidString:)))
            let devices = try #require(full["devices"]?.arrayValue)
            let ids = devices.compactMap { $0["id"]?.stringValue.flatMap(UUID.init(uuidString:)) }
            let first = try #require(ids.first)
            let coordinates = devices[0]["position"]?.arrayValue?.compactMap(\.doubleValue)
            let position = try #require(coordinates)
            // Two devices no production connection joins yet.
            let production = (full["connections"]?.arrayValue ?? []).filter { $0["kind"]?.stringValue == "production" }
                .map { Set([$0["source"]?.stringValue, $0["target"]?.stringValue].compactMap { $0.flatMap(UUID.init(uuidString:)) }) }
            let pairs = ids.flatMap { a in ids.map { b in (a, b) } }.filter { $0.0 != $0.1 }
            let (source, target) = try #require(pairs.first { !production.contains(Set([$0.0, $0.1])) })

            // Look straight at the first device (typed form), then click the middle of the 640×360 view.
            client.send(command("camera:set", [
                "target": [.number(position[0]), 0.8, .number(position[2])], "distance": 8, "azimuth": 0, "elevation": 5, "fov": 50,
            ]))
            _ = try await ackedID(client)
            client.send(planMessage("device:click", ["screenX": 320, "screenY": 180]))
            let (click, clickVersion) = try await ackedID(client)
            let (clicked, _) = try await storedEvent(store, scene, at: clickVersion, by: click)
            #expect(clicked == .selectionChanged(participant: me, device: first))

            client.send(planMessage("camera:orbit", ["deltaX": 10, "deltaY": -5]))
            let (orbit, orbitVersion) = try await ackedID(client)
            let (orbited, _) = try await storedEvent(store, scene, at: orbitVersion, by: orbit)
            var turned: Camera?
            if case .cameraChanged(me, let camera) = orbited { turned = camera }
            let camera = try #require(turned, "expected this participant's camera.changed, got \(orbited)")
            #expect(abs(camera.azimuth - 355) < 1e-9, "azimuth 0 turned by -10 px × 0.5°")
            #expect(abs(camera.elevation - 2.5) < 1e-9, "elevation 5 turned by -5 px × 0.5°")

            client.send(planMessage("device:drag", ["deviceId": .string(first.uuidString.lowercased()), "positionX": 10.5, "positionY": 0.2, "positionZ": -5.3]))
            let (drag, dragVersion) = try await ackedID(client)
            let (dragged, planPayload) = try await storedEvent(store, scene, at: dragVersion, by: drag)
            #expect(dragged == .deviceMoved(id: first, position: Vec3(10.5, 0.2, -5.3)))

            client.send(planMessage("connection:create", [
                "sourceDeviceId": .string(source.uuidString.lowercased()), "targetDeviceId": .string(target.uuidString.lowercased()),
                "type": "production_flow",
            ]))
            let (create, createVersion) = try await ackedID(client)
            let (created, _) = try await storedEvent(store, scene, at: createVersion, by: create)
            var made: Connection?
            if case .connectionCreated(let c) = created { made = c }
            let connection = try #require(made, "expected connection.created, got \(created)")
            #expect(connection.source == source && connection.target == target)
            #expect(connection.kind == .production)
            #expect(connection.direction == .forward)

            // Every command got its own server-made id.
            #expect(Set([click, orbit, drag, create]).count == 4)
            // The typed drag to the same place records the very same payload bytes.
            let typedID = UUID()
            client.send(command("device:drag", ["deviceId": .string(first.uuidString.lowercased()), "position": [10.5, 0.2, -5.3]], id: typedID))
            let (acked, typedVersion) = try await ackedID(client)
            #expect(acked == typedID)
            let typedEvents = try await store.events(scene: scene, afterVersion: typedVersion - 1, throughVersion: typedVersion)
            #expect(typedEvents.first?.payload == planPayload)

            // A mixed message is refused (without a ref: it has no id) and records nothing.
            client.send(planMessage("device:drag", ["deviceId": .string(first.uuidString.lowercased()), "position": [1, 2, 3], "positionX": 1]))
            let refused = try await client.next(type: "error")
            #expect(refused["code"]?.stringValue == "invalid_command")
            #expect(refused["ref"] == .null)
            #expect(try await store.headVersion(of: scene) == typedVersion)

            // A newcomer's state:full shows the moved device and the new connection.
            let observer = SignalClient(port: server.port)
            let (_, seen) = try await observer.join(role: "observer")
            let moved = seen["devices"]?.arrayValue?.first { $0["id"]?.stringValue == first.uuidString.lowercased() }
            #expect(moved?["position"] == [10.5, 0.2, -5.3])
            let joinedUp = seen["connections"]?.arrayValue?.first { $0["id"]?.stringValue == connection.id.uuidString.lowercased() }
            #expect(joinedUp?["kind"]?.stringValue == "production")
            observer.close()
            #expect(try await store.verify(scene: scene).isIntact)
        } catch {
            Issue.record("server log: \(server.log)")
            throw error
        }
        client.close()
        #expect(await server.stop() == 0)
        await store.close()
    }
}
