import Foundation
import Renderer
import SceneLedger
import Testing

@Suite("Picking devices by their full-resolution triangles")
struct MeshPickerTests {
    static let ring = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!
    static let behind = UUID(uuidString: "00000000-0000-4000-8000-000000000002")!
    static let bar = UUID(uuidString: "00000000-0000-4000-8000-000000000003")!
    static let boxOnly = UUID(uuidString: "00000000-0000-4000-8000-000000000004")!

    /// Models standing on the ground like the built-ins: a torus (hole along z, centre 1 m
    /// up), a 2 m cube, a 2 × 0.2 × 0.2 bar and a unit ball.
    static let torus = TriangleBVH(mesh: TestMeshes.torus(center: SIMD3(0, 1, 0)))
    static let cube = TriangleBVH(mesh: TestMeshes.box(SIMD3(-1, 0, -1), SIMD3(1, 2, 1)))
    static let barMesh = TriangleBVH(mesh: TestMeshes.box(SIMD3(-1, 0, -0.1), SIMD3(1, 0.2, 0.1)))
    static let ball = TriangleBVH(mesh: TestMeshes.sphere(center: SIMD3(0, 1, 0)))

    static let picker = MeshPicker { device in
        switch device.model {
        case .builtin("torus"): MeshPickerTests.torus
        case .builtin("cube"): MeshPickerTests.cube
        case .builtin("bar"): MeshPickerTests.barMesh
        case .builtin("ball"): MeshPickerTests.ball
        default: nil
        }
    }

    func scene(_ devices: [Device]) -> SceneState {
        var state = SceneState(sceneID: UUID())
        for d in devices { state.devices[d.id] = d }
        return state
    }

    func device(_ id: UUID, _ model: String, at position: Vec3, rotation: Vec3 = .zero, scale: Vec3 = .one) -> Device {
        Device(
            id: id, kind: .custom, name: model, model: .builtin(model), position: position, rotation: rotation,
            scale: scale)
    }

    @Test("a ray through a torus's hole picks the device behind it, where a box picker would not")
    func throughTheHole() throws {
        let state = scene([
            device(Self.ring, "torus", at: .zero),
            device(Self.behind, "cube", at: Vec3(0, 0, -10)),
        ])
        // Eye at (0, 1, 20) looking down −Z: the centre pixel goes through the hole.
        let camera = Camera(target: Vec3(0, 1, 0), distance: 20, azimuth: 0, elevation: 0, fov: 60)
        #expect(Self.picker.pick(state: state, camera: camera, x: 400, y: 300, width: 800, height: 600) == Self.behind)
        #expect(BoundsPicker().pick(state: state, camera: camera, x: 400, y: 300, width: 800, height: 600) == Self.ring)
        // The cube's front face is at z = −9: 29 m from the eye.
        let t = try #require(MeshPicker.hit(state.devices[Self.behind]!, Self.cube, Ray(origin: Vec3(0, 1, 20), direction: Vec3(0, 0, -1))))
        #expect(abs(t - 29) < 1e-4)
        // Through the tube (0.7 m right of centre) the torus is nearest.
        #expect(Self.picker.nearest(state: state, ray: Ray(origin: Vec3(0.7, 1, 20), direction: Vec3(0, 0, -1))) == Self.ring)
        // Off every device: nothing.
        #expect(Self.picker.pick(state: state, camera: camera, x: 0, y: 0, width: 800, height: 600) == nil)
    }

    @Test("a rotated, non-uniformly scaled mesh is hit where its transformed geometry is")
    func rotatedAndScaled() throws {
        // The bar, stretched to 4 m in x and turned 90° about Z, stands upright: local
        // (x, y) becomes world (−y, x), so it spans x 4.8…5, y 1…5, z −0.1…0.1.
        let upright = device(Self.bar, "bar", at: Vec3(5, 3, 0), rotation: Vec3(0, 0, 90), scale: Vec3(2, 1, 1))
        let state = scene([upright])
        func ray(_ x: Double, _ y: Double) -> Ray { Ray(origin: Vec3(x, y, 20), direction: Vec3(0, 0, -1)) }
        #expect(Self.picker.nearest(state: state, ray: ray(4.9, 4.5)) == Self.bar)
        #expect(Self.picker.nearest(state: state, ray: ray(4.9, 1.2)) == Self.bar)
        #expect(Self.picker.nearest(state: state, ray: ray(4.9, 0.8)) == nil)
        #expect(Self.picker.nearest(state: state, ray: ray(5.1, 3)) == nil)
        // Unrotated, the stretched bar lies along x at y 3…3.2 and the same rays change answers.
        var flat = upright
        flat.rotation = .zero
        let flatState = scene([flat])
        #expect(Self.picker.nearest(state: flatState, ray: ray(6.5, 3.1)) == Self.bar)
        #expect(Self.picker.nearest(state: flatState, ray: ray(4.9, 4.5)) == nil)
        let t = try #require(MeshPicker.hit(upright, Self.barMesh, ray(4.9, 4.5)))
        #expect(abs(t - 19.9) < 1e-4)
    }

    @Test("a ball squashed into an ellipsoid and tipped over is hit at its analytic distance")
    func ellipsoid() throws {
        // Scale (1, 2, 1) makes the ball an ellipsoid 2 m tall, centred 2 m up in its own
        // frame; tipping it 90° about X lays that long axis along world +Z, so a ray from +Z
        // meets its tip first.
        let egg = device(Self.bar, "ball", at: Vec3(0, 0, 0), rotation: Vec3(90, 0, 0), scale: Vec3(1, 2, 1))
        // Rx(90) maps local (0, y, 0) to (0, 0, y): the centre (0, 2, 0) scaled goes to z = 2,
        // the tip (0, 4, 0) to z = 4.
        let t = try #require(MeshPicker.hit(egg, Self.ball, Ray(origin: Vec3(0, 0, 20), direction: Vec3(0, 0, -1))))
        #expect(abs(t - 16) < 1e-3)
        // 0.5 m to the side of the long axis, the surface is at z = 2 + 2·√(1 − 0.25).
        let side = try #require(MeshPicker.hit(egg, Self.ball, Ray(origin: Vec3(0.5, 0, 20), direction: Vec3(0, 0, -1))))
        #expect(abs(side - (18 - 2 * 0.75.squareRoot())) < 5e-3)
        #expect(MeshPicker.hit(egg, Self.ball, Ray(origin: Vec3(1.1, 0, 20), direction: Vec3(0, 0, -1))) == nil)
    }

    @Test("devices without a mesh fall back to their box, and ties go to the smaller id")
    func fallbackAndTies() {
        // A conveyor kind with no mesh: its 6 m box is hit at x = 2.5.
        let conveyor = Device(
            id: Self.boxOnly, kind: .conveyor, name: "c", model: .builtin("none"), position: Vec3(0, 0, -5))
        let state = scene([conveyor])
        let ray = Ray(origin: Vec3(2.5, 0.5, 20), direction: Vec3(0, 0, -1))
        #expect(Self.picker.nearest(state: state, ray: ray) == Self.boxOnly)
        #expect(Self.picker.nearest(state: state, ray: ray) == BoundsPicker().nearest(state: state, ray: ray))
        // Two identical cubes in one place: the smaller id wins, whatever the order.
        let twins = scene([device(Self.behind, "cube", at: .zero), device(Self.ring, "cube", at: .zero)])
        #expect(Self.picker.nearest(state: twins, ray: Ray(origin: Vec3(0, 1, 20), direction: Vec3(0, 0, -1))) == Self.ring)
    }

    @Test("1,000 balls of 19,800 triangles: picks agree with testing every device, timing printed")
    func thousandInstances() {
        var state = SceneState(sceneID: UUID())
        for i in 0..<1000 {
            let id = UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", i))!
            let position = Vec3(Double(i % 40) * 4 - 78, 0, Double(i / 40) * 4 - 48)
            let rotation = Vec3(Double(i % 7) * 10, Double(i % 11) * 30, 0)
            state.devices[id] = device(id, "ball", at: position, rotation: rotation, scale: Vec3(1, 1 + Double(i % 3) * 0.5, 1))
        }
        let camera = Camera(target: Vec3(0, 0, 0), distance: 110, azimuth: 20, elevation: 35, fov: 60)
        var rng = SplitMix64(seed: 11)
        let pixels = (0..<1000).map { _ in (Double.random(in: 0..<1280, using: &rng), Double.random(in: 0..<720, using: &rng)) }

        // Build the shared BVH before timing.
        _ = Self.picker.pick(state: state, camera: camera, x: 640, y: 360, width: 1280, height: 720)
        var picked = 0
        var durations: [Duration] = []
        let clock = ContinuousClock()
        for (x, y) in pixels {
            var result: UUID?
            durations.append(clock.measure { result = Self.picker.pick(state: state, camera: camera, x: x, y: y, width: 1280, height: 720) })
            if result != nil { picked += 1 }
        }
        durations.sort()
        print("MeshPicker: median pick \(durations[durations.count / 2]), p99 \(durations[durations.count * 99 / 100]) over 1,000 instances of 19,800 triangles; \(picked)/1000 pixels hit a device")

        // The first 100 pixels, against casting at every device.
        for (x, y) in pixels.prefix(100) {
            let ray = Ray(camera: camera, x: x, y: y, width: 1280, height: 720)
            var best: (t: Double, id: UUID)?
            for device in state.devices.values {
                guard let t = MeshPicker.hit(device, Self.ball, ray) else { continue }
                if let b = best, t > b.t || (t == b.t && device.id.uuidString > b.id.uuidString) { continue }
                best = (t, device.id)
            }
            #expect(Self.picker.nearest(state: state, ray: ray) == best?.id)
        }
        #expect(picked > 100)
    }
}
