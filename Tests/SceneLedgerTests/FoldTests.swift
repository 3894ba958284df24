import Foundation
import Testing
@testable import SceneLedger

@Suite struct FoldTests {
    typealias F = SceneFixtures

    /// A state after applying `events` as versions 1...n.
    func folded(_ events: [SceneEvent]) -> SceneState {
        var state = SceneState(sceneID: F.scene)
        for (i, event) in events.enumerated() {
            state.apply(event, version: Int64(i + 1), recordedAtMicros: 1_000 * Int64(i + 1))
        }
        return state
    }

    let joined = SceneEvent.participantJoined(participant: F.id(20), actor: F.id(30), role: .driver)
    let link = Connection(id: F.id(10), source: F.id(1), target: F.id(2), kind: .power)

    @Test func sceneCreatedSetsNameVersionAndTime() {
        let state = folded([.sceneCreated(name: "Hall B")])
        #expect(state.name == "Hall B")
        #expect(state.version == 1)
        #expect(state.sceneTimeMicros == 1_000)
    }

    @Test func deviceAddedInsertsAndReplaces() {
        var renamed = F.press
        renamed.name = "Press 2"
        let state = folded([.deviceAdded(F.press), .deviceAdded(F.arm), .deviceAdded(renamed)])
        #expect(state.devices.count == 2)
        #expect(state.devices[F.id(1)] == renamed)
        #expect(state.devices[F.id(2)] == F.arm)
    }

    @Test func deviceMovedChangesOnlyPosition() {
        let state = folded([.deviceAdded(F.arm), .deviceMoved(id: F.id(2), position: Vec3(7, 0, 7))])
        var expected = F.arm
        expected.position = Vec3(7, 0, 7)
        #expect(state.devices[F.id(2)] == expected)
    }

    @Test func deviceUpdatedSetsOnlyGivenFields() throws {
        let state = folded([
            .deviceAdded(F.arm),
            .deviceUpdated(DeviceUpdate(id: F.id(2), name: "Renamed", scale: Vec3(3, 3, 3), metadata: ["only": 1])),
        ])
        let device = try #require(state.devices[F.id(2)])
        #expect(device.name == "Renamed")
        #expect(device.scale == Vec3(3, 3, 3))
        #expect(device.metadata == ["only": 1])
        #expect(device.kind == F.arm.kind)
        #expect(device.model == F.arm.model)
        #expect(device.position == F.arm.position)
        #expect(device.rotation == F.arm.rotation)

        let all = folded([
            .deviceAdded(F.arm),
            .deviceUpdated(
                DeviceUpdate(
                    id: F.id(2), kind: .agv, name: "A", model: .builtin("agv"), position: Vec3(1, 1, 1),
                    rotation: Vec3(2, 2, 2), scale: Vec3(3, 3, 3), metadata: [:])),
        ])
        #expect(
            all.devices[F.id(2)]
                == Device(
                    id: F.id(2), kind: .agv, name: "A", model: .builtin("agv"), position: Vec3(1, 1, 1),
                    rotation: Vec3(2, 2, 2), scale: Vec3(3, 3, 3), metadata: [:]))
    }

    @Test func moveOrUpdateOfAbsentDeviceIsIgnored() {
        let base = folded([.deviceAdded(F.press)])
        let state = folded([
            .deviceAdded(F.press),
            .deviceMoved(id: F.id(99), position: .one),
            .deviceUpdated(DeviceUpdate(id: F.id(99), name: "ghost")),
        ])
        #expect(state.devices == base.devices)
        #expect(state.version == 3)
    }

    @Test func deviceRemovedCleansConnectionsAndSelections() {
        let other = F.id(21)
        let keep = Connection(id: F.id(11), source: F.id(1), target: F.id(3), kind: .data)
        let third = Device(id: F.id(3), kind: .storage, name: "S", model: .builtin("storage"), position: .zero)
        let state = folded([
            .deviceAdded(F.press), .deviceAdded(F.arm), .deviceAdded(third),
            .connectionCreated(link), .connectionCreated(keep),
            joined, .participantJoined(participant: other, actor: F.id(31), role: .observer),
            .selectionChanged(participant: F.id(20), device: F.id(2)),
            .selectionChanged(participant: other, device: F.id(3)),
            .deviceRemoved(id: F.id(2)),
        ])
        #expect(state.devices[F.id(2)] == nil)
        #expect(state.connections[link.id] == nil)
        #expect(state.connections[keep.id] == keep)
        #expect(state.participants[F.id(20)]?.selection == nil)
        #expect(state.participants[other]?.selection == F.id(3))
    }

    @Test func connectionNeedsBothEndpoints() {
        let onlyOne = folded([.deviceAdded(F.press), .connectionCreated(link)])
        #expect(onlyOne.connections.isEmpty)
        let both = folded([.deviceAdded(F.press), .deviceAdded(F.arm), .connectionCreated(link)])
        #expect(both.connections == [link.id: link])
        let removed = folded([
            .deviceAdded(F.press), .deviceAdded(F.arm), .connectionCreated(link), .connectionRemoved(id: link.id),
            .connectionRemoved(id: F.id(77)),
        ])
        #expect(removed.connections.isEmpty)
    }

    @Test func participantLifecycle() throws {
        let state = folded([joined])
        let p = try #require(state.participants[F.id(20)])
        #expect(p == Participant(id: F.id(20), actor: F.id(30), role: .driver, camera: .default))
        #expect(p.selection == nil && p.pointer == nil)

        let changed = folded([
            joined, .deviceAdded(F.press),
            .roleChanged(participant: F.id(20), role: .observer),
            .cameraChanged(participant: F.id(20), camera: F.camera),
            .selectionChanged(participant: F.id(20), device: F.id(1)),
            .pointerMoved(participant: F.id(20), pointer: Pointer(x: 0.5, y: 0.25)),
        ])
        #expect(
            changed.participants[F.id(20)]
                == Participant(
                    id: F.id(20), actor: F.id(30), role: .observer, camera: F.camera, selection: F.id(1),
                    pointer: Pointer(x: 0.5, y: 0.25)))

        let rejoined = folded([joined, .cameraChanged(participant: F.id(20), camera: F.camera), joined])
        #expect(rejoined.participants[F.id(20)]?.camera == .default)

        let left = folded([joined, .participantLeft(participant: F.id(20))])
        #expect(left.participants.isEmpty)
    }

    @Test func participantEventsForAbsentParticipantAreIgnored() {
        let ghost = F.id(66)
        let state = folded([
            joined, .deviceAdded(F.press),
            .roleChanged(participant: ghost, role: .observer),
            .cameraChanged(participant: ghost, camera: F.camera),
            .selectionChanged(participant: ghost, device: F.id(1)),
            .pointerMoved(participant: ghost, pointer: Pointer(x: 1, y: 1)),
            .participantLeft(participant: ghost),
        ])
        #expect(state.participants.keys.sorted { $0.uuidString < $1.uuidString } == [F.id(20)])
        #expect(state.participants[F.id(20)] == Participant(id: F.id(20), actor: F.id(30), role: .driver))
    }

    @Test func selectionOfAbsentDeviceIsNoSelection() {
        let state = folded([
            joined, .deviceAdded(F.press),
            .selectionChanged(participant: F.id(20), device: F.id(1)),
            .selectionChanged(participant: F.id(20), device: F.id(2)),
        ])
        #expect(state.participants[F.id(20)]?.selection == nil)
    }

    @Test func latencyProbeIncrementsMarker() {
        let state = folded([
            .latencyProbed(participant: F.id(20), probe: "a"), .latencyProbed(participant: F.id(66), probe: "b"),
        ])
        #expect(state.probeMarker == 2)
    }

    @Test func actorErasedChangesOnlyVersion() {
        let before = folded([joined, .deviceAdded(F.press)])
        var after = before
        after.apply(.actorErased(actor: F.id(30)), version: 3, recordedAtMicros: 3_000)
        var expected = before
        expected.version = 3
        expected.sceneTimeMicros = 3_000
        #expect(after == expected)
        #expect(after.participants[F.id(20)]?.actor == F.id(30))
    }

    @Test func recordedEventsSetVersionAndSceneTime() throws {
        let events = F.recorded([.sceneCreated(name: "x"), .deviceAdded(F.press)])
        let state = try SceneState.fold(sceneID: F.scene, events)
        #expect(state.version == 2)
        #expect(state.sceneTimeMicros == events[1].recordedAtMicros)
        #expect(state.devices[F.id(1)] == F.press)
        #expect(state == folded([.sceneCreated(name: "x"), .deviceAdded(F.press)]).with(time: events[1].recordedAtMicros))
    }

    @Test func recordedEventsMustBeNextVersionOfSameScene() throws {
        var state = SceneState(sceneID: F.scene)
        let gap = try #require(throws: LedgerError.self) {
            try state.apply(F.recorded(.sceneCreated(name: "x"), version: 2))
        }
        #expect(gap.code == .invalidArgument)
        let foreign = try #require(throws: LedgerError.self) {
            try state.apply(F.recorded(.sceneCreated(name: "x"), version: 1, scene: F.id(0xbbb)))
        }
        #expect(foreign.code == .invalidArgument)
        #expect(state == SceneState(sceneID: F.scene))
    }

    @Test func undecodablePayloadFailsTheFold() throws {
        var bad = F.recorded(.sceneCreated(name: "x"), version: 1)
        bad.payload = Array(#"{"name":1}"#.utf8)
        let error = try #require(throws: LedgerError.self) { try SceneState.fold(sceneID: F.scene, [bad]) }
        #expect(error.code == .decoding)
        #expect(error.message.contains("scene.created"))
    }
}

extension SceneState {
    fileprivate func with(time: Int64) -> SceneState {
        var s = self
        s.sceneTimeMicros = time
        return s
    }
}
