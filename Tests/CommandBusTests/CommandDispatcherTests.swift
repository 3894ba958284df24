import Foundation
import Testing

import CommandBus
import SceneLedger

@Suite("CommandDispatcher: decisions")
struct CommandDispatcherTests {
    let state = Fixture.state
    let dispatcher = CommandDispatcher(picker: nil, ids: SequentialIDs(first: 500))

    func decide(_ body: Command, by participant: UUID = Fixture.driver, with dispatcher: CommandDispatcher? = nil) -> CommandDispatcher.Decision {
        let sender = state.participants[participant] ?? Participant(id: participant, actor: Fixture.id(299), role: .driver)
        return (dispatcher ?? self.dispatcher).decide(Fixture.command(body), by: sender, in: state)
    }

    func expectReject(_ body: Command, _ code: CommandError.Code, naming field: String? = nil, by participant: UUID = Fixture.driver,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let decision = decide(body, by: participant)
        guard let error = decision.error else {
            Issue.record("expected \(code), accepted \(decision.events ?? [])", sourceLocation: sourceLocation)
            return
        }
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.ref == Fixture.commandID, sourceLocation: sourceLocation)
        if let field {
            #expect(error.message.contains("\"\(field)\""), "\(error.message)", sourceLocation: sourceLocation)
        }
    }

    // MARK: State checks

    @Test func unknownDevices() {
        let ghost = Fixture.id(77)
        expectReject(.deviceDrag(id: ghost, position: .zero), .unknownDevice, naming: "data.deviceId")
        expectReject(.deviceRemove(ghost), .unknownDevice, naming: "data.deviceId")
        expectReject(.deviceUpdate(DeviceUpdate(id: ghost, name: "X")), .unknownDevice, naming: "data.deviceId")
        expectReject(.deviceClick(.device(ghost)), .unknownDevice, naming: "data.deviceId")
        expectReject(.deviceSelect(ghost), .unknownDevice, naming: "data.deviceId")
        expectReject(
            .connectionCreate(Command.NewConnection(source: ghost, target: Fixture.pump, kind: .data)), .unknownDevice,
            naming: "data.sourceDeviceId")
        expectReject(
            .connectionCreate(Command.NewConnection(source: Fixture.pump, target: ghost, kind: .data)), .unknownDevice,
            naming: "data.targetDeviceId")
    }

    @Test func unknownConnection() {
        expectReject(.connectionRemove(Fixture.pump), .unknownConnection, naming: "data.connectionId")
    }

    @Test func selfConnection() {
        expectReject(.connectionCreate(Command.NewConnection(source: Fixture.press, target: Fixture.press, kind: .data)), .selfConnection)
    }

    @Test(arguments: [(Fixture.pump, Fixture.press), (Fixture.press, Fixture.pump)])
    func duplicateConnectionInEitherOrder(source: UUID, target: UUID) {
        expectReject(.connectionCreate(Command.NewConnection(source: source, target: target, kind: .material)), .duplicateConnection)
    }

    @Test func sameDevicesWithAnotherKindAreNoDuplicate() throws {
        let events = try #require(decide(.connectionCreate(Command.NewConnection(source: Fixture.press, target: Fixture.pump, kind: .power))).events)
        #expect(events == [.connectionCreated(Connection(id: Fixture.id(500), source: Fixture.press, target: Fixture.pump, kind: .power))])
    }

    @Test func connectionIDAlreadyTaken() {
        expectReject(
            .connectionCreate(Command.NewConnection(id: Fixture.pumpToPress, source: Fixture.shelf, target: Fixture.press, kind: .data)),
            .duplicateConnection)
    }

    @Test func duplicateDevice() {
        expectReject(.deviceAdd(Command.NewDevice(id: Fixture.press, kind: .agv, name: "AGV", position: .zero)), .duplicateDevice)
    }

    @Test func senderMustHaveJoined() {
        expectReject(.latencyProbe("p"), .notJoined, by: Fixture.stranger)
    }

    // MARK: Accepted commands

    @Test func removeCascadesConnectionsSortedByID() throws {
        let events = try #require(decide(.deviceRemove(Fixture.pump)).events)
        #expect(
            events == [
                .connectionRemoved(id: Fixture.robotToPump),  // …0010
                .connectionRemoved(id: Fixture.pumpToShelf),  // …0020
                .connectionRemoved(id: Fixture.pumpToPress),  // …0030
                .deviceRemoved(id: Fixture.pump),
            ])
    }

    @Test func removeOfAnUnconnectedDevice() throws {
        var state = Fixture.state
        let lone = Fixture.id(8)
        state.devices[lone] = Fixture.device(lone, "Lone")
        let decision = dispatcher.decide(Fixture.command(.deviceRemove(lone)), by: state.participants[Fixture.driver]!, in: state)
        #expect(decision.events == [.deviceRemoved(id: lone)])
    }

    @Test func addWithDefaultsAndGeneratedID() throws {
        let events = try #require(decide(.deviceAdd(Command.NewDevice(kind: .storage, name: "Rack", position: Vec3(1, 0, 2)))).events)
        let expected = Device(id: Fixture.id(500), kind: .storage, name: "Rack", model: .builtin("storage"), position: Vec3(1, 0, 2))
        #expect(events == [.deviceAdded(expected)])
        let added = try #require(events.first)
        guard case .deviceAdded(let device) = added else { return }
        #expect(device.rotation == .zero)
        #expect(device.scale == .one)
        #expect(device.metadata.isEmpty)
    }

    @Test func addWithEverythingGiven() throws {
        let new = Command.NewDevice(
            id: Fixture.id(9), kind: .custom, name: "Mixer", model: .asset(String(repeating: "0", count: 64)), position: .zero,
            rotation: Vec3(0, 90, 0), scale: Vec3(2, 2, 2), metadata: ["line": 4])
        let events = try #require(decide(.deviceAdd(new)).events)
        #expect(
            events == [
                .deviceAdded(
                    Device(
                        id: Fixture.id(9), kind: .custom, name: "Mixer", model: .asset(String(repeating: "0", count: 64)),
                        position: .zero, rotation: Vec3(0, 90, 0), scale: Vec3(2, 2, 2), metadata: ["line": 4]))
            ])
    }

    @Test func dragUpdateAndDisconnect() {
        #expect(decide(.deviceDrag(id: Fixture.robot, position: Vec3(5, 0, -5))).events == [.deviceMoved(id: Fixture.robot, position: Vec3(5, 0, -5))])
        let update = DeviceUpdate(id: Fixture.shelf, name: "Shelf B", scale: Vec3(1, 2, 1))
        #expect(decide(.deviceUpdate(update)).events == [.deviceUpdated(update)])
        #expect(decide(.connectionRemove(Fixture.pumpToShelf)).events == [.connectionRemoved(id: Fixture.pumpToShelf)])
    }

    @Test func connectionCreateKeepsDirectionAndGivenID() {
        let new = Command.NewConnection(id: Fixture.id(60), source: Fixture.shelf, target: Fixture.robot, kind: .production, direction: .backward)
        #expect(
            decide(.connectionCreate(new)).events
                == [.connectionCreated(Connection(id: Fixture.id(60), source: Fixture.shelf, target: Fixture.robot, kind: .production, direction: .backward))])
    }

    @Test func selectAndClear() {
        #expect(decide(.deviceSelect(Fixture.press)).events == [.selectionChanged(participant: Fixture.driver, device: Fixture.press)])
        #expect(decide(.deviceSelect(nil)).events == [.selectionChanged(participant: Fixture.driver, device: nil)])
    }

    @Test func clickByDeviceID() {
        #expect(decide(.deviceClick(.device(Fixture.robot))).events == [.selectionChanged(participant: Fixture.driver, device: Fixture.robot)])
    }

    @Test func clickThroughThePicker() throws {
        let picker = FakePicker(answer: Fixture.shelf)
        let withPicker = CommandDispatcher(picker: picker, ids: SequentialIDs(first: 1))
        let decision = decide(.deviceClick(.point(x: 320, y: 200, width: 640, height: 400)), with: withPicker)
        #expect(decision.events == [.selectionChanged(participant: Fixture.driver, device: Fixture.shelf)])
        let query = try #require(picker.asked.first)
        #expect(query == FakePicker.Query(camera: .default, x: 320, y: 200, width: 640, height: 400))
    }

    @Test func clickOnEmptySpaceClearsTheSelection() {
        let withPicker = CommandDispatcher(picker: FakePicker(answer: nil), ids: SequentialIDs(first: 1))
        let decision = decide(.deviceClick(.point(x: 1, y: 1, width: 10, height: 10)), with: withPicker)
        #expect(decision.events == [.selectionChanged(participant: Fixture.driver, device: nil)])
    }

    @Test func clickPickingAVanishedDeviceClearsTheSelection() {
        let withPicker = CommandDispatcher(picker: FakePicker(answer: Fixture.id(99)), ids: SequentialIDs(first: 1))
        let decision = decide(.deviceClick(.point(x: 1, y: 1, width: 10, height: 10)), with: withPicker)
        #expect(decision.events == [.selectionChanged(participant: Fixture.driver, device: nil)])
    }

    @Test func clickByCoordinatesWithoutAPickerIsUnavailable() {
        expectReject(.deviceClick(.point(x: 1, y: 1, width: 10, height: 10)), .unavailable)
    }

    @Test func probePointerAndCameraSet() {
        #expect(decide(.latencyProbe("p-9")).events == [.latencyProbed(participant: Fixture.driver, probe: "p-9")])
        #expect(decide(.pointerMove(Pointer(x: 0.25, y: 0.75))).events == [.pointerMoved(participant: Fixture.driver, pointer: Pointer(x: 0.25, y: 0.75))])
        let camera = Camera(target: Vec3(1, 2, 3), distance: 12, azimuth: 10, elevation: -20, fov: 70)
        #expect(decide(.cameraSet(camera)).events == [.cameraChanged(participant: Fixture.driver, camera: camera)])
    }

    @Test func cameraCommandsStartFromTheParticipantsCamera() throws {
        var state = Fixture.state
        let start = Camera(target: .zero, distance: 10, azimuth: 350, elevation: 80, fov: 50)
        state.participants[Fixture.observer]!.camera = start
        let observer = state.participants[Fixture.observer]!
        let orbit = dispatcher.decide(Fixture.command(.cameraOrbit(dAzimuth: 20, dElevation: 20)), by: observer, in: state)
        let orbited = Camera(target: .zero, distance: 10, azimuth: 10, elevation: 89, fov: 50)
        #expect(orbit.events == [.cameraChanged(participant: Fixture.observer, camera: orbited)])
        let zoom = dispatcher.decide(Fixture.command(.cameraZoom(factor: 0.5)), by: observer, in: state)
        #expect(zoom.events == [.cameraChanged(participant: Fixture.observer, camera: start.zoomed(factor: 0.5))])
        let pan = dispatcher.decide(Fixture.command(.cameraPan(dx: 1, dy: 0)), by: observer, in: state)
        #expect(pan.events == [.cameraChanged(participant: Fixture.observer, camera: start.panned(dx: 1, dy: 0))])
    }

    @Test func theDispatcherDoesNotMutateItsInput() {
        let before = state
        _ = decide(.deviceRemove(Fixture.pump))
        _ = decide(.deviceAdd(Command.NewDevice(kind: .agv, name: "A", position: .zero)))
        #expect(state == before)
    }
}
