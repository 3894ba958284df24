import Foundation
import Renderer
import SceneLedger
import Testing

@Suite("Scene maths: camera, culling, connections, particles")
struct SceneInstancesTests {
    let camera = Camera(target: .zero, distance: 20, azimuth: 0, elevation: 0, fov: 60)

    @Test("the view-projection puts the target at the centre of the screen and culls what is behind")
    func viewProjection() {
        let vp = ViewProjection(camera: camera, width: 1280, height: 720)
        let clip = vp.viewProjection.transform(SIMD3(0, 0, 0))
        #expect(abs(clip.x / clip.w) < 1e-5)
        #expect(abs(clip.y / clip.w) < 1e-5)
        // Up on the screen is up in the world.
        let above = vp.viewProjection.transform(SIMD3(0, 1, 0))
        #expect(above.y / above.w > 0.01)
        #expect(vp.isVisible(center: SIMD3(0, 0, 0), radius: 1))
        #expect(!vp.isVisible(center: SIMD3(0, 0, 40), radius: 1))  // behind the eye at z = 20
        #expect(!vp.isVisible(center: SIMD3(200, 0, 0), radius: 1))  // far off to the side
        #expect(vp.isVisible(center: SIMD3(200, 0, 0), radius: 195))  // ...unless it is huge
    }

    @Test("a tube's matrix maps the unit cylinder onto the segment")
    func tube() throws {
        let a = SIMD3<Float>(1, 2, 3)
        let b = SIMD3<Float>(4, 6, 3)
        let m = try #require(SceneInstances.tube(from: a, to: b, radius: 0.1))
        let start = m.transform(SIMD3(0, 0, 0))
        let end = m.transform(SIMD3(0, 1, 0))
        #expect(abs(start.x - a.x) + abs(start.y - a.y) + abs(start.z - a.z) < 1e-5)
        #expect(abs(end.x - b.x) + abs(end.y - b.y) + abs(end.z - b.z) < 1e-5)
        let side = m.transform(SIMD3(1, 0, 0))
        let offset = SIMD3(side.x, side.y, side.z) - a
        #expect(abs((offset * offset).sum().squareRoot() - 0.1) < 1e-5)
    }

    @Test("flow particles depend only on scene time, and move with it")
    func particles() {
        let a = SIMD3<Float>(0, 0, 0)
        let b = SIMD3<Float>(10, 0, 0)
        let t0 = SceneInstances.particles(from: a, to: b, sceneTimeMicros: 5_000_000)
        #expect(t0 == SceneInstances.particles(from: a, to: b, sceneTimeMicros: 5_000_000))
        #expect(t0.count == 5)
        let later = SceneInstances.particles(from: a, to: b, sceneTimeMicros: 5_500_000)
        // Half a second at 1.5 m/s: 0.75 m further along (mod the spacing).
        let moved = Set(later.map { Int(($0.x * 100).rounded()) })
        let expected = Set(t0.map { Int(((($0.x + 0.75).truncatingRemainder(dividingBy: 10)) * 100).rounded()) })
        #expect(moved == expected)
        #expect(later.allSatisfy { $0.x >= 0 && $0.x < 10 })
    }

    @Test("instances group devices by model and mark selections")
    func instances() {
        var state = SceneState(sceneID: UUID())
        let me = UUID()
        let other = UUID()
        let a = Device(id: UUID(), kind: .robotArm, name: "a", model: .builtin("robot_arm"), position: Vec3(1, 0, 0))
        let b = Device(id: UUID(), kind: .conveyor, name: "b", model: .builtin("conveyor"), position: Vec3(9, 0, 0))
        for (i, e) in [
            SceneEvent.deviceAdded(a), .deviceAdded(b),
            .connectionCreated(Connection(id: UUID(), source: a.id, target: b.id, kind: .power, direction: .both)),
            .participantJoined(participant: me, actor: UUID(), role: .driver),
            .participantJoined(participant: other, actor: UUID(), role: .observer),
            .selectionChanged(participant: me, device: a.id), .selectionChanged(participant: other, device: b.id),
        ].enumerated() {
            state.apply(e, version: Int64(i + 1), recordedAtMicros: 1_000_000)
        }
        let scene = SceneInstances(state: state, viewer: me)
        #expect(scene.devices[.builtin("robot_arm")]?.first?.data.highlight == 1)
        #expect(scene.devices[.builtin("conveyor")]?.first?.data.highlight == 2)
        #expect(scene.tubes.count == 1)
        #expect(scene.arrows.count == 2)  // both directions
        #expect(scene.devices[.builtin("robot_arm")]?.first?.data.model == Matrix4.device(a))
    }
}
