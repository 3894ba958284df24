import Foundation
import Testing
@testable import SceneLedger

@Suite struct EventPayloadTests {
    typealias F = SceneFixtures

    /// The error `decode` throws for `payload`, or nil if it decodes.
    func failure(_ type: String, version: Int16 = 1, _ payload: JSONValue) -> LedgerError? {
        do {
            _ = try SceneEvent.decode(type: type, schemaVersion: version, payload: payload)
            return nil
        } catch {
            return error
        }
    }

    /// `payload` of `event` with `key` set (or removed, for nil).
    func edited(_ event: SceneEvent, _ key: String, _ value: JSONValue?) -> JSONValue {
        var fields = event.payload.objectValue!
        fields[key] = value
        return .object(fields)
    }

    @Test("every event round-trips through canonical bytes", arguments: SceneFixtures.allEvents)
    func roundTrip(event: SceneEvent) throws {
        #expect(event.schemaVersion == 1)
        let bytes = event.payloadBytes
        #expect(bytes == event.payload.canonicalBytes)
        let parsed = try JSONValue.parse(bytes)
        #expect(parsed == event.payload)
        let decoded = try SceneEvent.decode(type: event.type, schemaVersion: event.schemaVersion, payload: parsed)
        #expect(decoded == event)
        let fromBytes = try SceneEvent.decode(type: event.type, schemaVersion: 1, payloadBytes: bytes)
        #expect(fromBytes == event)
        #expect(fromBytes.payloadBytes == bytes)
    }

    @Test func recordedEventDecodes() throws {
        let event = SceneEvent.deviceAdded(F.arm)
        #expect(try F.recorded(event, version: 7).decodedEvent() == event)
    }

    @Test func allCasesAreCovered() {
        #expect(Set(F.allEvents.map(\.type)) == SceneEvent.knownTypes)
    }

    @Test func payloadSpellingIsFixed() {
        let moved = SceneEvent.deviceMoved(id: F.id(1), position: Vec3(1, 2.5, -3))
        #expect(moved.payload.canonicalString == #"{"id":"00000000-0000-0000-0000-000000000001","position":[1,2.5,-3]}"#)
        let added = SceneEvent.deviceAdded(
            Device(id: F.id(0xb), kind: .robotArm, name: "R", model: .builtin("robot_arm"), position: .zero))
        #expect(
            added.payload.canonicalString
                == #"{"id":"00000000-0000-0000-0000-00000000000b","kind":"robot_arm","metadata":{},"model":{"builtin":"robot_arm"},"name":"R","position":[0,0,0],"rotation":[0,0,0],"scale":[1,1,1]}"#
        )
        let camera = SceneEvent.cameraChanged(participant: F.id(2), camera: F.camera)
        #expect(
            camera.payload.canonicalString
                == #"{"camera":{"azimuth":-30,"distance":12.5,"elevation":20,"fov":60,"target":[1,2,3]},"participant":"00000000-0000-0000-0000-000000000002"}"#
        )
        let unselect = SceneEvent.selectionChanged(participant: F.id(2), device: nil)
        #expect(unselect.payload.canonicalString == #"{"device":null,"participant":"00000000-0000-0000-0000-000000000002"}"#)
        #expect(ModelRef.asset(F.assetHash).json == ["asset": .string(F.assetHash)])
    }

    @Test func rejectsUnknownType() throws {
        let error = try #require(failure("device.exploded", ["id": F.id(1).json]))
        #expect(error.code == .decoding)
        #expect(error.message.contains("device.exploded"))
        #expect(error.message.contains("unknown event type"))
    }

    @Test func rejectsUnknownSchemaVersion() throws {
        let event = SceneEvent.deviceMoved(id: F.id(1), position: .one)
        for version: Int16 in [0, 2, -1] {
            let error = try #require(failure("device.moved", version: version, event.payload))
            #expect(error.code == .decoding)
            #expect(error.message.contains("device.moved"))
            #expect(error.message.contains("schema version \(version)"))
        }
    }

    @Test("rejects a missing field", arguments: SceneFixtures.allEvents)
    func rejectsMissingField(event: SceneEvent) throws {
        for key in event.payload.objectValue!.keys {
            // device.updated's optional fields may be left out.
            if case .deviceUpdated = event, key != "id" { continue }
            let error = try #require(failure(event.type, edited(event, key, nil)), "without \(key)")
            #expect(error.code == .decoding)
            #expect(error.message.contains(event.type))
            #expect(error.message.contains("missing field \"\(key)\""))
        }
    }

    @Test("rejects an extra field", arguments: SceneFixtures.allEvents)
    func rejectsExtraField(event: SceneEvent) throws {
        let error = try #require(failure(event.type, edited(event, "colour", "red")))
        #expect(error.code == .decoding)
        #expect(error.message.contains(event.type))
        #expect(error.message.contains("unexpected field \"colour\""))
    }

    @Test("rejects a field of the wrong type", arguments: SceneFixtures.allEvents)
    func rejectsWrongType(event: SceneEvent) throws {
        for key in event.payload.objectValue!.keys {
            // `true` is never valid: no field is a boolean.
            let error = try #require(failure(event.type, edited(event, key, true)), "\(key) = true")
            #expect(error.code == .decoding)
            #expect(error.message.contains(event.type))
            #expect(error.message.contains("field \"\(key)\""))
        }
    }

    @Test func rejectsMalformedNestedValues() throws {
        let camera = SceneEvent.cameraChanged(participant: F.id(2), camera: F.camera)
        var cam = F.camera.json.objectValue!
        cam["fov"] = nil
        let noFov = try #require(failure("camera.changed", edited(camera, "camera", .object(cam))))
        #expect(noFov.message.contains("missing field \"camera.fov\""))

        let moved = SceneEvent.deviceMoved(id: F.id(1), position: .one)
        for bad: JSONValue in [[1, 2], [1, 2, 3, 4], [1, "2", 3], "1,2,3"] {
            let error = try #require(failure("device.moved", edited(moved, "position", bad)))
            #expect(error.message.contains("field \"position\" must be an array of 3 numbers"))
        }

        let added = SceneEvent.deviceAdded(F.press)
        let badModels: [JSONValue] = [
            [:], ["builtin": "agv", "asset": .string(F.assetHash)], ["builtin": ""], ["asset": "abc"],
            ["asset": .string(F.assetHash.uppercased())], ["url": "http://x"],
        ]
        for model in badModels {
            let error = try #require(failure("device.added", edited(added, "model", model)), "\(model)")
            #expect(error.code == .decoding)
            #expect(error.message.contains("model"))
        }

        let kind = try #require(failure("device.added", edited(added, "kind", "forklift")))
        #expect(kind.message.contains("field \"kind\" must be one of"))

        let upper = try #require(failure("device.added", edited(added, "id", .string(F.id(0xab).uuidString))))
        #expect(upper.message.contains("field \"id\" must be a lowercase UUID"))

        let nullName = try #require(
            failure("device.updated", ["id": F.id(1).json, "name": nil]))
        #expect(nullName.message.contains("field \"name\" must be a string, got null"))
    }

    @Test func metadataDepthIsLimited() throws {
        func nested(_ depth: Int) -> JSONValue {
            depth == 1 ? [:] : ["a": nested(depth - 1)]
        }
        let added = SceneEvent.deviceAdded(F.press)
        let atLimit = edited(added, "metadata", nested(SceneEvent.maxMetadataDepth))
        #expect(failure("device.added", atLimit) == nil)
        let error = try #require(failure("device.added", edited(added, "metadata", nested(SceneEvent.maxMetadataDepth + 1))))
        #expect(error.message.contains("field \"metadata\" nests deeper"))
    }

    @Test func rejectsInvalidJSONBytes() throws {
        for bytes in [Array("{".utf8), Array(#"{"name":"a","name":"b"}"#.utf8), [], Array("[]".utf8)] {
            let error = try #require(throws: LedgerError.self) {
                try SceneEvent.decode(type: "scene.created", schemaVersion: 1, payloadBytes: bytes)
            }
            #expect(error.code == .decoding)
            #expect(error.message.contains("scene.created"))
        }
    }
}

