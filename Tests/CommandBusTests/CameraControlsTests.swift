import Foundation
import Testing

import CommandBus
import SceneLedger

@Suite("Camera controls")
struct CameraControlsTests {
    let tolerance = 1e-9

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= tolerance * max(1, abs(a), abs(b)) }
    func close(_ a: Vec3, _ b: Vec3) -> Bool { close(a.x, b.x) && close(a.y, b.y) && close(a.z, b.z) }

    @Test(arguments: [
        (350.0, 20.0, 10.0), (10.0, -30.0, 340.0), (45.0, 720.0, 45.0), (0.0, -360.0, 0.0), (0.0, -3600.0, 0.0),
        (359.0, 1.0, 0.0), (90.0, -0.5, 89.5),
    ])
    func orbitNormalizesAzimuth(start: Double, delta: Double, expected: Double) {
        let camera = Camera(target: .zero, distance: 10, azimuth: start, elevation: 0, fov: 50).orbited(dAzimuth: delta, dElevation: 0)
        #expect(close(camera.azimuth, expected), "\(camera.azimuth)")
        #expect(camera.azimuth >= 0 && camera.azimuth < 360)
    }

    @Test func orbitClampsElevation() {
        let start = Camera(target: Vec3(1, 2, 3), distance: 10, azimuth: 0, elevation: 80, fov: 50)
        #expect(start.orbited(dAzimuth: 0, dElevation: 20).elevation == 89)
        #expect(start.orbited(dAzimuth: 0, dElevation: -200).elevation == -89)
        #expect(close(start.orbited(dAzimuth: 0, dElevation: -30.5).elevation, 49.5))
        // Orbiting leaves target, distance and fov alone.
        let moved = start.orbited(dAzimuth: 33, dElevation: 3)
        #expect(moved.target == start.target && moved.distance == 10 && moved.fov == 50)
    }

    @Test func basisAtKnownAngles() {
        let front = Camera(target: .zero, distance: 10, azimuth: 0, elevation: 0, fov: 50).controlBasis
        #expect(close(front.eye, Vec3(0, 0, 10)))
        #expect(close(front.forward, Vec3(0, 0, -1)))
        #expect(close(front.right, Vec3(1, 0, 0)))
        #expect(close(front.up, Vec3(0, 1, 0)))

        let side = Camera(target: Vec3(1, 1, 1), distance: 10, azimuth: 90, elevation: 0, fov: 50).controlBasis
        #expect(close(side.eye, Vec3(11, 1, 1)))
        #expect(close(side.right, Vec3(0, 0, -1)))

        let s = 0.5.squareRoot()
        let above = Camera(target: .zero, distance: 2, azimuth: 0, elevation: 45, fov: 50).controlBasis
        #expect(close(above.eye, Vec3(0, 2 * s, 2 * s)))
        #expect(close(above.up, Vec3(0, s, -s)))
    }

    @Test(arguments: [(0.0, 0.0), (45.0, 35.0), (123.4, -88.9), (300.0, 89.0), (359.9, -12.0)])
    func basisIsOrthonormalAndRightHanded(azimuth: Double, elevation: Double) {
        let b = Camera(target: Vec3(3, -2, 7), distance: 25, azimuth: azimuth, elevation: elevation, fov: 50).controlBasis
        for v in [b.forward, b.right, b.up] { #expect(close(v.length, 1)) }
        #expect(abs(b.forward.dot(b.right)) < tolerance)
        #expect(abs(b.forward.dot(b.up)) < tolerance)
        #expect(abs(b.right.dot(b.up)) < tolerance)
        #expect(abs(b.right.y) < tolerance)  // no roll
        #expect(close(b.right.cross(b.up), b.forward * -1))  // camera looks down −Z of its own frame
        #expect(close((b.eye - Vec3(3, -2, 7)).length, 25))
    }

    @Test func visibleHeight() {
        #expect(close(Camera(target: .zero, distance: 10, azimuth: 0, elevation: 0, fov: 90).visibleHeight, 20))
        #expect(close(Camera.default.visibleHeight, 2 * 60 * tan(25 * Double.pi / 180)))
    }

    @Test func panMovesTheTargetInViewHeights() {
        // fov 90 at distance 10: the view is 20 m tall at the target.
        let camera = Camera(target: Vec3(1, 2, 3), distance: 10, azimuth: 0, elevation: 0, fov: 90)
        #expect(close(camera.panned(dx: 0.5, dy: 0).target, Vec3(11, 2, 3)))
        #expect(close(camera.panned(dx: 0, dy: 0.25).target, Vec3(1, 7, 3)))
        #expect(close(camera.panned(dx: -1, dy: -1).target, Vec3(-19, -18, 3)))
        let panned = camera.panned(dx: 0.3, dy: 0.7)
        #expect(panned.distance == camera.distance && panned.azimuth == camera.azimuth && panned.elevation == camera.elevation)

        let turned = Camera(target: .zero, distance: 10, azimuth: 90, elevation: 0, fov: 90)
        #expect(close(turned.panned(dx: 1, dy: 0).target, Vec3(0, 0, -20)))

        let s = 0.5.squareRoot()
        let tilted = Camera(target: .zero, distance: 10, azimuth: 0, elevation: 45, fov: 90)
        #expect(close(tilted.panned(dx: 0, dy: 1).target, Vec3(0, 20 * s, -20 * s)))
    }

    @Test func panKeepsTheTargetInBounds() {
        let far = Camera(target: Vec3(99_990, 0, 0), distance: 5_000, azimuth: 0, elevation: 0, fov: 120)
        let panned = far.panned(dx: 100, dy: -100)
        #expect(panned.target.x == 100_000)
        #expect(panned.target.y == -100_000)
    }

    @Test func zoomMultipliesAndClamps() {
        #expect(Camera.default.zoomed(factor: 0.5).distance == 30)
        #expect(close(Camera.default.zoomed(factor: 1.1).distance, 66))
        #expect(Camera.default.zoomed(factor: 100).distance == 5_000)
        #expect(Camera(target: .zero, distance: 1, azimuth: 0, elevation: 0, fov: 50).zoomed(factor: 0.1).distance == 0.5)
        #expect(Camera.default.zoomed(factor: 2).azimuth == Camera.default.azimuth)
    }
}
