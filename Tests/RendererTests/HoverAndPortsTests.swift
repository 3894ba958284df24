import Foundation
import Logging
import Renderer
import SceneLedger
import Testing

/// The hover tint under a participant's pointer, and connections attached at ports.
@Suite("Hover tint and ports", .serialized)
struct HoverAndPortsTests {
    let viewer = UUID(uuidString: "00000000-0000-4000-8000-0000000000ee")!
    let rack = UUID(uuidString: "00000000-0000-4000-8000-0000000000a1")!
    let camera = Camera(target: Vec3(0, 1.5, 0), distance: 9, azimuth: 30, elevation: 20, fov: 50)

    func scene(pointer: Pointer?) -> RenderProjection {
        var p = RenderProjection(state: SceneState(sceneID: UUID()))
        p.apply(.deviceAdded(Device(id: rack, kind: .storage, name: "rack", model: .builtin("storage"), position: .zero)), version: 1, recordedAtMicros: 1)
        p.apply(.participantJoined(participant: viewer, actor: UUID(), role: .driver), version: 2, recordedAtMicros: 2)
        if let pointer { p.apply(.pointerMoved(participant: viewer, pointer: pointer), version: 3, recordedAtMicros: 3) }
        return p
    }

    /// The mean of R, G and B over the frame's middle 20×20 pixels (the rack).
    func centreBrightness(_ frame: Frame) -> Double {
        var sum = 0.0
        for y in (frame.height / 2 - 10)..<(frame.height / 2 + 10) {
            for x in (frame.width / 2 - 10)..<(frame.width / 2 + 10) { sum += frame.rgba(x: x, y: y).prefix(3).reduce(0.0) { $0 + Double($1) } }
        }
        return sum / 1200
    }

    @Test("the device under the viewer's pointer is drawn lighter, and moving on or off it makes a frame due")
    func hoverTint() async throws {
        // Views never wait for a picking BVH (it is built in the background); build it first.
        #expect(ModelLibrary.builtinsOnly.model(.builtin("storage")).buildBVH().triangleCount > 0)
        let context = try await GLContext.make(width: 160, height: 120, samples: 0, logger: Logger(label: "test.hover"))
        var off = scene(pointer: Pointer(x: 0.02, y: 0.98))
        try await context.renderScene(off.state, changes: off.takeChanges(), camera: camera, viewer: viewer)
        let plain = centreBrightness(try await context.readFrameRGBA())
        #expect(await context.wouldRedraw(camera: camera, viewer: viewer) == false)

        // The pointer moves onto the rack: no change is listed, but the frame is due.
        off.apply(.pointerMoved(participant: viewer, pointer: Pointer(x: 0.5, y: 0.5)), version: 4, recordedAtMicros: 4)
        try await context.updateScene(off.state, changes: off.takeChanges(), viewer: viewer)
        #expect(await context.wouldRedraw(camera: camera, viewer: viewer))
        try await context.renderScene(off.state, changes: [], camera: camera, viewer: viewer)
        let hovered = centreBrightness(try await context.readFrameRGBA())
        #expect(hovered > plain + 10, "hovered \(hovered) vs plain \(plain)")
        #expect(await context.wouldRedraw(camera: camera, viewer: viewer) == false)

        // Another participant's view does not show this viewer's hover.
        let (_, other) = (UUID(), UUID())
        try await context.renderScene(off.state, changes: [], camera: camera, viewer: other)
        #expect(abs(centreBrightness(try await context.readFrameRGBA()) - plain) < 1)
        await context.close()
    }

    @Test("connections attach at the devices' ports, which turn and scale with them")
    func ports() throws {
        let a = Device(id: UUID(), kind: .conveyor, name: "a", model: .builtin("conveyor"), position: Vec3(2, 0, 3), rotation: Vec3(0, 90, 0), scale: Vec3(2, 1, 1))
        let b = Device(id: UUID(), kind: .workCenter, name: "b", model: .builtin("work_center"), position: Vec3(12, 0, 0))
        var state = SceneState(sceneID: UUID())
        state.apply(.deviceAdded(a), version: 1, recordedAtMicros: 1)
        state.apply(.deviceAdded(b), version: 2, recordedAtMicros: 2)
        let link = Connection(id: UUID(), source: a.id, target: b.id, kind: .material)
        state.apply(.connectionCreated(link), version: 3, recordedAtMicros: 3)
        let (from, to) = try #require(SceneInstances.ports(link, in: state))
        // Worked out with the picking code's rotation, independently of the renderer's matrices.
        let out = SceneStyle.ports(of: .conveyor).out
        let expectedFrom = a.position + Rotation3(eulerDegrees: a.rotation).apply(Vec3(Double(out.x) * 2, Double(out.y), Double(out.z)))
        let into = SceneStyle.ports(of: .workCenter).in
        #expect(abs(Double(from.x) - expectedFrom.x) < 1e-4 && abs(Double(from.y) - expectedFrom.y) < 1e-4 && abs(Double(from.z) - expectedFrom.z) < 1e-4, "\(from) vs \(expectedFrom)")
        #expect(abs(to.x - (12 + into.x)) < 1e-4 && abs(to.y - into.y) < 1e-4 && abs(to.z - into.z) < 1e-4)
        // Ports sit on the geometry, off the origin: above the ground, at the device's side.
        #expect(from.y > 0.3 && to.y > 0.3)
        #expect(abs(to.x - 12) > 1)
    }
}
