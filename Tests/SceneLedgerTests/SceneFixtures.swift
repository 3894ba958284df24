import Foundation
@testable import SceneLedger

/// Fixed ids and events shared by the SceneLedger tests.
enum SceneFixtures {
    /// A readable fixed UUID: `00000000-0000-0000-0000-0000000000nn` (n in hex).
    static func id(_ n: Int) -> UUID {
        let hex = String(n, radix: 16)
        return UUID(uuidString: "00000000-0000-0000-0000-" + String(repeating: "0", count: 12 - hex.count) + hex)!
    }

    static let scene = id(0xAAA)
    static let assetHash = String(repeating: "ab", count: 32)

    static let press = Device(
        id: id(1), kind: .workCenter, name: "Press 1", model: .builtin("work_center"), position: Vec3(1, 0, -2.5))
    static let arm = Device(
        id: id(2), kind: .robotArm, name: "Arm \"A\"\n\u{e9}", model: .asset(assetHash), position: Vec3(0.1, 0, 3),
        rotation: Vec3(0, 90, 0), scale: Vec3(2, 2, 2),
        metadata: ["vendor": "ACME", "axes": 6, "limits": ["reach": 1.85, "tags": ["a", nil, true]]])

    static let camera = Camera(target: Vec3(1, 2, 3), distance: 12.5, azimuth: -30, elevation: 20, fov: 60)

    /// At least one event of every case, with the optional shapes (`nil` selection, partial
    /// and full updates, asset models, nested metadata, escaped strings).
    static let allEvents: [SceneEvent] = [
        .sceneCreated(name: "Line 3 \u{2014} \"east\"\t"),
        .deviceAdded(press),
        .deviceAdded(arm),
        .deviceMoved(id: id(1), position: Vec3(-4.25, 0, 1e-5)),
        .deviceUpdated(DeviceUpdate(id: id(1))),
        .deviceUpdated(DeviceUpdate(id: id(2), name: "Arm B")),
        .deviceUpdated(
            DeviceUpdate(
                id: id(2), kind: .agv, name: "AGV", model: .builtin("agv"), position: Vec3(1, 2, 3),
                rotation: Vec3(4, 5, 6), scale: Vec3(0.5, 0.5, 0.5), metadata: ["k": ["nested": [1, 2]]])),
        .deviceRemoved(id: id(2)),
        .connectionCreated(Connection(id: id(10), source: id(1), target: id(2), kind: .material, direction: .both)),
        .connectionRemoved(id: id(10)),
        .participantJoined(participant: id(20), actor: id(30), role: .driver),
        .participantLeft(participant: id(20)),
        .roleChanged(participant: id(20), role: .observer),
        .cameraChanged(participant: id(20), camera: camera),
        .selectionChanged(participant: id(20), device: id(1)),
        .selectionChanged(participant: id(20), device: nil),
        .pointerMoved(participant: id(20), pointer: Pointer(x: 0.25, y: 0.7)),
        .latencyProbed(participant: id(20), probe: "p-17"),
        .actorErased(actor: id(30)),
    ]

    /// A recorded event of `scene` at `version`, with its payload encoded.
    static func recorded(_ event: SceneEvent, version: Int64, scene: UUID = scene, at micros: Int64? = nil)
        -> RecordedEvent
    {
        RecordedEvent(
            position: version, sceneID: scene, version: version, sessionID: id(20), actorID: id(30),
            commandID: id(Int(40 + version)), commandSeq: 0, type: event.type, schemaVersion: event.schemaVersion,
            payload: event.payloadBytes, clientTimeMillis: 1_700_000_000_000 + version,
            recordedAtMicros: micros ?? (1_700_000_000_000_000 + version * 1_000), prevHash: [], hash: [])
    }

    /// Events numbered 1...n.
    static func recorded(_ events: [SceneEvent]) -> [RecordedEvent] {
        events.enumerated().map { recorded($1, version: Int64($0 + 1)) }
    }
}
