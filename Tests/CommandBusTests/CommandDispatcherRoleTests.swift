import Foundation
import Testing

import CommandBus
import SceneLedger

@Suite("CommandDispatcher: roles")
struct CommandDispatcherRoleTests {
    /// One valid example of every command, valid in `Fixture.state`.
    static let examples: [Command] = [
        .cameraOrbit(dAzimuth: 10, dElevation: 5),
        .cameraPan(dx: 0.1, dy: 0.1),
        .cameraZoom(factor: 2),
        .cameraSet(.default),
        .pointerMove(Pointer(x: 0.5, y: 0.5)),
        .deviceClick(.device(Fixture.pump)),
        .deviceSelect(Fixture.pump),
        .deviceDrag(id: Fixture.pump, position: Vec3(1, 0, 1)),
        .deviceAdd(Command.NewDevice(kind: .agv, name: "AGV 1", position: .zero)),
        .deviceRemove(Fixture.shelf),
        .deviceUpdate(DeviceUpdate(id: Fixture.pump, name: "Pump 2")),
        .connectionCreate(Command.NewConnection(source: Fixture.shelf, target: Fixture.robot, kind: .data)),
        .connectionRemove(Fixture.pumpToPress),
        .latencyProbe("probe-1"),
    ]

    static let observerAllowed: Set<String> = ["camera:orbit", "camera:pan", "camera:zoom", "camera:set", "pointer:move", "latency:probe"]

    let dispatcher = CommandDispatcher(picker: FakePicker(answer: nil), ids: SequentialIDs(first: 500))

    @Test func examplesCoverEveryType() {
        #expect(Set(Self.examples.map(\.typeName)) == Set(CommandType.allCases.map(\.rawValue)))
    }

    @Test(arguments: examples)
    func driverMayDoEverything(_ body: Command) {
        let state = Fixture.state
        let decision = dispatcher.decide(Fixture.command(body), by: state.participants[Fixture.driver]!, in: state)
        #expect(decision.error == nil, "\(decision.error?.message ?? "")")
        #expect(decision.events?.isEmpty == false)
    }

    @Test(arguments: examples)
    func observerMayOnlyLookAroundAndProbe(_ body: Command) throws {
        let state = Fixture.state
        let decision = dispatcher.decide(Fixture.command(body), by: state.participants[Fixture.observer]!, in: state)
        if Self.observerAllowed.contains(body.typeName) {
            let events = try #require(decision.events)
            #expect(!events.isEmpty)
            // Observers only ever touch their own participant.
            for event in events {
                switch event {
                case .cameraChanged(let p, _), .pointerMoved(let p, _), .latencyProbed(let p, _): #expect(p == Fixture.observer)
                default: Issue.record("observer produced \(event)")
                }
            }
        } else {
            let error = try #require(decision.error)
            #expect(error.code == .forbidden)
            #expect(error.ref == Fixture.commandID)
            #expect(error.message.contains(body.typeName))
        }
    }

    /// Role is checked before the state: an observer editing a device that does not exist
    /// is told it is forbidden, not that the device is unknown.
    @Test func forbiddenComesBeforeStateValidation() throws {
        let state = Fixture.state
        let decision = dispatcher.decide(
            Fixture.command(.deviceRemove(Fixture.id(4040))), by: state.participants[Fixture.observer]!, in: state)
        #expect(try #require(decision.error).code == .forbidden)
    }

    /// The role recorded in the scene wins over the role the caller passes in.
    @Test func theScenesRoleIsAuthoritative() throws {
        let state = Fixture.state
        var claimed = state.participants[Fixture.observer]!
        claimed.role = .driver
        let decision = dispatcher.decide(Fixture.command(.deviceRemove(Fixture.pump)), by: claimed, in: state)
        #expect(try #require(decision.error).code == .forbidden)
    }
}
