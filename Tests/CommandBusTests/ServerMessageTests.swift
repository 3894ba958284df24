import Foundation
import Testing

import CommandBus
import SceneLedger

@Suite("ServerMessage encoding")
struct ServerMessageTests {
    func parsed(_ message: ServerMessage, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: JSONValue] {
        let bytes = message.encoded()
        let value = try JSONValue.parse(bytes)
        // Compact and canonical: encoding what we parsed gives the same bytes.
        #expect(value.canonicalBytes == bytes, sourceLocation: sourceLocation)
        return try #require(value.objectValue, sourceLocation: sourceLocation)
    }

    func wire(_ id: UUID) -> JSONValue { .string(id.uuidString.lowercased()) }

    @Test func joined() throws {
        let plain = try parsed(.joined(session: Fixture.id(1), participant: Fixture.id(2), role: .observer, scene: Fixture.scene))
        #expect(plain == [
            "type": "joined", "session": wire(Fixture.id(1)), "participant": wire(Fixture.id(2)), "role": "observer",
            "scene": wire(Fixture.scene), "iceServers": [],
        ])
        let ice: JSONValue = ["urls": ["stun:stun.example.org:3478"]]
        let withIce = try parsed(.joined(session: Fixture.id(1), participant: Fixture.id(1), role: .driver, scene: Fixture.scene, iceServers: [ice]))
        #expect(withIce["iceServers"] == [ice])
        #expect(withIce["role"] == "driver")
    }

    @Test func ack() throws {
        #expect(try parsed(.ack(ref: Fixture.commandID, version: 42)) == ["type": "ack", "ref": wire(Fixture.commandID), "version": 42])
    }

    @Test func errorWithAndWithoutRef() throws {
        let withRef = try parsed(.error(CommandError(.unknownDevice, "no such device", ref: Fixture.commandID)))
        #expect(withRef == ["type": "error", "ref": wire(Fixture.commandID), "code": "unknown_device", "message": "no such device"])
        let withoutRef = try parsed(.error(CommandError(.badJSON, "broken \"quote\"\n")))
        #expect(withoutRef["ref"] == .null)
        #expect(withoutRef["code"] == "bad_json")
        #expect(withoutRef["message"] == "broken \"quote\"\n")
    }

    @Test func errorCodesAreStable() {
        let codes: [CommandError.Code] = [
            .badJSON, .tooLarge, .unknownType, .missingField, .unexpectedField, .wrongType, .outOfRange, .invalidID,
            .unknownDevice, .unknownConnection, .selfConnection, .duplicateConnection, .duplicateDevice, .forbidden,
            .notJoined, .conflict, .commitFailed, .fenced, .unavailable,
        ]
        #expect(codes.map(\.rawValue) == [
            "bad_json", "too_large", "unknown_type", "missing_field", "unexpected_field", "wrong_type", "out_of_range",
            "invalid_id", "unknown_device", "unknown_connection", "self_connection", "duplicate_connection",
            "duplicate_device", "forbidden", "not_joined", "conflict", "commit_failed", "fenced", "unavailable",
        ])
    }

    @Test func stateFull() throws {
        var state = Fixture.state
        state.probeMarker = 1
        state.devices[Fixture.pump]!.metadata = ["line": 2]
        state.devices[Fixture.pump]!.model = .asset(String(repeating: "c", count: 64))
        state.participants[Fixture.observer]!.selection = Fixture.press
        state.participants[Fixture.observer]!.pointer = Pointer(x: 0.5, y: 0.25)
        let json = try parsed(.stateFull(state))
        #expect(json["type"] == "state:full")
        #expect(json["scene"] == wire(Fixture.scene))
        #expect(json["name"] == "Plant 1")
        #expect(json["version"] == 12)
        #expect(json["sceneTime"] == .number(1_700_000_000_123_456))
        #expect(json["probeMarker"] == 1)
        #expect(Set(json.keys) == ["type", "scene", "name", "version", "sceneTime", "devices", "connections", "participants", "probeMarker"])

        let devices = try #require(json["devices"]?.arrayValue)
        #expect(devices.map { $0["id"] } == [Fixture.pump, Fixture.press, Fixture.robot, Fixture.shelf].map(wire))
        #expect(devices[0] == [
            "id": wire(Fixture.pump), "kind": "work_center", "name": "Pump", "model": ["asset": .string(String(repeating: "c", count: 64))],
            "position": [0, 0, 0], "rotation": [0, 0, 0], "scale": [1, 1, 1], "metadata": ["line": 2],
        ])
        #expect(devices[1]["model"] == ["builtin": "work_center"])

        let connections = try #require(json["connections"]?.arrayValue)
        #expect(connections.map { $0["id"] } == [Fixture.robotToPump, Fixture.pumpToShelf, Fixture.pumpToPress, Fixture.pressToRobot].map(wire))
        #expect(connections[1] == [
            "id": wire(Fixture.pumpToShelf), "source": wire(Fixture.pump), "target": wire(Fixture.shelf), "kind": "data", "direction": "both",
        ])

        let participants = try #require(json["participants"]?.arrayValue)
        #expect(participants.map { $0["id"] } == [wire(Fixture.driver), wire(Fixture.observer)])
        #expect(participants[0]["selection"] == .null)
        #expect(participants[0]["pointer"] == .null)
        #expect(participants[1] == [
            "id": wire(Fixture.observer), "actor": wire(Fixture.id(201)), "role": "observer",
            "camera": ["target": [0, 0, 0], "distance": 60, "azimuth": 45, "elevation": 35, "fov": 50],
            "selection": wire(Fixture.press), "pointer": ["x": 0.5, "y": 0.25],
        ])
    }

    @Test func stateUpdateCarriesWholeEntitiesFromTheNewState() throws {
        var after = Fixture.state
        after.devices[Fixture.robot]!.position = Vec3(4, 0, 4)
        after.devices[Fixture.shelf]!.name = "Shelf B"
        after.connections[Fixture.pumpToPress] = nil
        after.devices[Fixture.press] = nil
        after.participants[Fixture.driver]!.camera.distance = 30
        after.probeMarker = 1
        let events: [SceneEvent] = [
            .deviceMoved(id: Fixture.robot, position: Vec3(4, 0, 4)),
            .deviceUpdated(DeviceUpdate(id: Fixture.shelf, name: "Shelf B")),
            .connectionRemoved(id: Fixture.pumpToPress),
            .deviceRemoved(id: Fixture.press),
            .cameraChanged(participant: Fixture.driver, camera: after.participants[Fixture.driver]!.camera),
            .latencyProbed(participant: Fixture.driver, probe: "p-3"),
        ]
        let json = try parsed(.stateUpdate(ref: Fixture.commandID, version: 19, events: events, state: after))
        #expect(json["type"] == "state:update")
        #expect(json["ref"] == wire(Fixture.commandID))
        #expect(json["version"] == 19)
        let changes = try #require(json["changes"]?.arrayValue)
        #expect(changes.map { $0["op"] } == [
            "device.moved", "device.updated", "connection.removed", "device.removed", "camera.changed", "latency.probed",
        ])
        #expect(changes[0]["data"] == after.devices[Fixture.robot]!.json)
        #expect(changes[0]["data"]?["name"] == "Robot")
        #expect(changes[1]["data"]?["name"] == "Shelf B")
        #expect(changes[1]["data"]?["scale"] == [1, 1, 1])
        #expect(changes[2]["data"] == ["id": wire(Fixture.pumpToPress)])
        #expect(changes[3]["data"] == ["id": wire(Fixture.press)])
        #expect(changes[4]["data"]?["camera"]?["distance"] == 30)
        #expect(changes[4]["data"]?["role"] == "driver")
        #expect(changes[5]["data"] == ["participant": wire(Fixture.driver), "probe": "p-3", "probeMarker": 1])
    }

    @Test func stateUpdateFallsBackToTheEventForEntitiesGoneFromTheState() throws {
        let state = Fixture.state
        let ghost = Fixture.id(66)
        let added = Fixture.device(ghost, "Ghost", at: Vec3(1, 2, 3))
        let events: [SceneEvent] = [
            .deviceAdded(added),
            .deviceUpdated(DeviceUpdate(id: ghost, position: Vec3(3, 2, 1))),
            .participantLeft(participant: Fixture.stranger),
            .connectionCreated(Connection(id: Fixture.id(61), source: Fixture.pump, target: ghost, kind: .power)),
        ]
        let json = try parsed(.stateUpdate(ref: nil, version: 3, events: events, state: state))
        #expect(json["ref"] == .null)
        let changes = try #require(json["changes"]?.arrayValue)
        #expect(changes[0]["data"] == added.json)
        #expect(changes[1]["data"] == ["id": wire(ghost), "position": [3, 2, 1]])
        #expect(changes[2] == ["op": "participant.left", "data": ["id": wire(Fixture.stranger)]])
        #expect(changes[3]["data"]?["kind"] == "power")
        #expect(changes[3]["data"]?["direction"] == "forward")
    }

    @Test func decodedCommandErrorsEncodeWithTheirRef() throws {
        let error = try #require(Fixture.decodeError("device:drag", #"{"deviceId":"x","position":[0,0,0]}"#))
        let json = try parsed(.error(error))
        #expect(json["ref"] == wire(Fixture.commandID))
        #expect(json["code"] == "invalid_id")
    }
}
