import Foundation
import Renderer
import SceneLedger
import Testing

@Suite("Picking devices under a screen point")
struct BoundsPickerTests {
    let near = UUID(uuidString: "00000000-0000-4000-8000-00000000000a")!
    let far = UUID(uuidString: "00000000-0000-4000-8000-00000000000b")!
    let side = UUID(uuidString: "00000000-0000-4000-8000-00000000000c")!

    func scene(_ devices: [Device]) -> SceneState {
        var state = SceneState(sceneID: UUID())
        for d in devices { state.devices[d.id] = d }
        return state
    }

    /// Looking straight down -Z from z = 50 at the origin, 1000×1000 pixels.
    let camera = Camera(target: Vec3(0, 1, 0), distance: 50, azimuth: 0, elevation: 0, fov: 60)

    @Test("the centre pixel hits the nearest of two devices on the axis")
    func nearestWins() {
        let state = scene([
            Device(id: far, kind: .storage, name: "far", model: .builtin("storage"), position: Vec3(0, 0, -10)),
            Device(id: near, kind: .workCenter, name: "near", model: .builtin("work_center"), position: Vec3(0, 0, 10)),
        ])
        #expect(BoundsPicker().pick(state: state, camera: camera, x: 500, y: 500, width: 1000, height: 1000) == near)
    }

    @Test("empty space picks nothing")
    func miss() {
        let state = scene([Device(id: near, kind: .agv, name: "agv", model: .builtin("agv"), position: Vec3(0, 0, 0))])
        // Top-left corner: the ray passes far above the 0.5 m AGV.
        #expect(BoundsPicker().pick(state: state, camera: camera, x: 0, y: 0, width: 1000, height: 1000) == nil)
    }

    @Test("rotation changes what a ray hits")
    func rotation() {
        // A conveyor is 6 m long in x and 1.2 m deep in z. A ray parallel to -Z at x = 2
        // hits it unrotated, and misses it when it is turned 90° about Y.
        let ray = Ray(origin: Vec3(2, 0.5, 20), direction: Vec3(0, 0, -1))
        var conveyor = Device(id: side, kind: .conveyor, name: "c", model: .builtin("conveyor"), position: .zero)
        #expect(BoundsPicker().hit(conveyor, ray) != nil)
        conveyor.rotation = Vec3(0, 90, 0)
        #expect(BoundsPicker().hit(conveyor, ray) == nil)
        // ...and a ray at z = 2, parallel to -X, now hits it.
        #expect(BoundsPicker().hit(conveyor, Ray(origin: Vec3(20, 0.5, 2), direction: Vec3(-1, 0, 0))) != nil)
    }

    @Test("scale grows the box the ray must hit")
    func scale() {
        let ray = Ray(origin: Vec3(0, 3, 20), direction: Vec3(0, 0, -1))  // 3 m up
        var arm = Device(id: side, kind: .robotArm, name: "arm", model: .builtin("robot_arm"), position: .zero)
        #expect(BoundsPicker().hit(arm, ray) == nil)  // 2.2 m tall
        arm.scale = Vec3(1, 2, 1)
        let t = BoundsPicker().hit(arm, ray)
        #expect(t != nil)
        // It enters the front face at z = +0.75: 19.25 m along the ray.
        #expect(abs((t ?? 0) - 19.25) < 1e-9)
    }

    @Test("the ray through a pixel goes where the camera looks")
    func rayThroughPixel() {
        let ray = Ray(camera: camera, x: 500, y: 500, width: 1000, height: 1000)
        #expect(abs(ray.origin.z - 50) < 1e-9)
        #expect(abs(ray.direction.z + 1) < 1e-9)
        // The right edge of a 60° square view is 30° off the axis.
        let edge = Ray(camera: camera, x: 1000, y: 500, width: 1000, height: 1000)
        #expect(abs(atan2(edge.direction.x, -edge.direction.z) * 180 / .pi - 30) < 1e-9)
    }
}
