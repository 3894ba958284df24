import Foundation
import Renderer
import SceneLedger
import Testing

@Suite("The renderer's projection, without GL")
struct RenderProjectionTests {
    let scene = UUID()
    let a = UUID(uuidString: "00000000-0000-4000-8000-0000000000a1")!
    let b = UUID(uuidString: "00000000-0000-4000-8000-0000000000b2")!
    let c = UUID(uuidString: "00000000-0000-4000-8000-0000000000c3")!
    let link = UUID(uuidString: "00000000-0000-4000-8000-00000000001c")!
    let viewer = UUID()

    func device(_ id: UUID, x: Double) -> Device {
        Device(id: id, kind: .conveyor, name: "d", model: .builtin("conveyor"), position: Vec3(x, 0, 0))
    }

    /// The same events folded by the command bus's projection (a plain SceneState).
    func events() -> [SceneEvent] {
        [
            .sceneCreated(name: "plant"),
            .deviceAdded(device(a, x: 0)), .deviceAdded(device(b, x: 10)), .deviceAdded(device(c, x: 20)),
            .connectionCreated(Connection(id: link, source: a, target: b, kind: .material)),
            .participantJoined(participant: viewer, actor: UUID(), role: .driver),
            .deviceMoved(id: a, position: Vec3(1, 0, 1)),
            .selectionChanged(participant: viewer, device: c),
            .cameraChanged(participant: viewer, camera: .default),
            .deviceRemoved(id: b),
        ]
    }

    @Test("its state hash equals the command bus projection's at every version")
    func sameHash() {
        var projection = RenderProjection(state: SceneState(sceneID: scene))
        var reference = SceneState(sceneID: scene)
        for (i, event) in events().enumerated() {
            projection.apply(event, version: Int64(i + 1), recordedAtMicros: Int64(i))
            reference.apply(event, version: Int64(i + 1), recordedAtMicros: Int64(i))
            #expect(projection.stateHash == reference.stateHash)
        }
    }

    @Test("each event yields only the changes it causes")
    func incrementalChanges() {
        var p = RenderProjection(state: SceneState(sceneID: scene))
        _ = p.takeChanges()
        let list = events()
        for (i, event) in list.prefix(6).enumerated() { p.apply(event, version: Int64(i + 1), recordedAtMicros: 0) }
        _ = p.takeChanges()
        // Moving a touches a's instance and its one connection, nothing else.
        p.apply(list[6], version: 7, recordedAtMicros: 0)
        #expect(p.takeChanges() == [.deviceChanged(a), .connectionChanged(link)])
        p.apply(list[7], version: 8, recordedAtMicros: 0)
        #expect(p.takeChanges() == [.highlights])
        p.apply(list[8], version: 9, recordedAtMicros: 0)
        #expect(p.takeChanges() == [.camera(participant: viewer)])
        // Removing b removes its connection too.
        p.apply(list[9], version: 10, recordedAtMicros: 0)
        #expect(p.takeChanges() == [.deviceRemoved(b), .connectionRemoved(link), .highlights])
        #expect(!p.hasPendingChanges)
    }

    @Test("repeated changes between two frames are reported once")
    func coalesced() {
        var p = RenderProjection(state: SceneState(sceneID: scene))
        p.apply(.deviceAdded(device(a, x: 0)), version: 1, recordedAtMicros: 0)
        _ = p.takeChanges()
        for v in 2...50 { p.apply(.deviceMoved(id: a, position: Vec3(Double(v), 0, 0)), version: Int64(v), recordedAtMicros: 0) }
        #expect(p.takeChanges() == [.deviceChanged(a)])
    }

    @Test("a projection loaded from a snapshot draws everything once")
    func initialChanges() {
        var state = SceneState(sceneID: scene)
        for (i, event) in events().prefix(5).enumerated() { state.apply(event, version: Int64(i + 1), recordedAtMicros: 0) }
        var p = RenderProjection(state: state)
        let changes = p.takeChanges()
        #expect(changes.filter { if case .deviceAdded = $0 { true } else { false } }.count == 3)
        #expect(changes.contains(.connectionAdded(link)))
    }
}
