import Foundation
import Logging
import Renderer
import SceneLedger
import Testing

/// The latency probe marker in the top-left corner of scene frames, read back as RGBA and
/// as I420 after `latency.probed` events flip it.
@Suite("Latency probe marker", .serialized)
struct ProbeMarkerTests {
    let viewer = UUID(uuidString: "00000000-0000-4000-8000-0000000000ee")!
    let camera = Camera(target: Vec3(0, 0.5, 0), distance: 9, azimuth: 30, elevation: 30, fov: 50)

    func scene() -> RenderProjection {
        var projection = RenderProjection(state: SceneState(sceneID: UUID()))
        // A device under the corner would show through a missing marker.
        projection.apply(.deviceAdded(Device(id: UUID(), kind: .storage, name: "rack", model: .builtin("storage"), position: .zero)), version: 1, recordedAtMicros: 1_000)
        projection.apply(.participantJoined(participant: viewer, actor: UUID(), role: .driver), version: 2, recordedAtMicros: 2_000)
        return projection
    }

    /// Every pixel of the marker square, and the ones just right of and below it.
    func expectRGBA(_ frame: Frame, value: UInt8) {
        let side = ProbeMarker.size
        var wrong = 0
        for y in 0..<side {
            for x in 0..<side where frame.rgba(x: x, y: y) != [value, value, value, 255] { wrong += 1 }
        }
        #expect(wrong == 0, "\(wrong) marker pixels are not \(value)")
        // The square is exactly `side` pixels: its neighbours show the (light grey) scene.
        #expect(frame.rgba(x: side + 1, y: 2) != [value, value, value, 255])
        #expect(frame.rgba(x: 2, y: side + 1) != [value, value, value, 255])
    }

    func expectI420(_ frame: Frame, luma: UInt8) {
        let side = ProbeMarker.size
        var wrong = 0
        for y in 0..<side {
            for x in 0..<side {
                let p = frame.yuv(x: x, y: y)
                if p.y != luma || p.u != 128 || p.v != 128 { wrong += 1 }
            }
        }
        #expect(wrong == 0, "\(wrong) marker pixels are not Y \(luma), U 128, V 128")
    }

    @Test("black while the probe counter is even, white once a probe flips it, in RGBA and I420", arguments: [0, 4])
    func flips(samples: Int) async throws {
        let context = try await GLContext.make(width: 96, height: 64, samples: samples, logger: Logger(label: "test.probe"))
        var projection = scene()
        try await context.renderScene(projection.state, changes: projection.takeChanges(), camera: camera, viewer: viewer)
        expectRGBA(try await context.readFrameRGBA(), value: 0)
        expectI420(try await context.readFrameI420(), luma: 16)

        projection.apply(.latencyProbed(participant: viewer, probe: "p1"), version: 3, recordedAtMicros: 3_000)
        #expect(projection.state.probeMarker == 1)
        try await context.renderScene(projection.state, changes: projection.takeChanges(), camera: camera, viewer: viewer)
        expectRGBA(try await context.readFrameRGBA(), value: 255)
        expectI420(try await context.readFrameI420(), luma: 235)

        projection.apply(.latencyProbed(participant: viewer, probe: "p2"), version: 4, recordedAtMicros: 4_000)
        try await context.renderScene(projection.state, changes: projection.takeChanges(), camera: camera, viewer: viewer)
        expectRGBA(try await context.readFrameRGBA(), value: 0)
        expectI420(try await context.readFrameI420(), luma: 16)
        await context.close()
    }

    @Test("the marker's value follows the counter's parity")
    func parity() {
        #expect(ProbeMarker.value(forCounter: 0) == 0)
        #expect(ProbeMarker.value(forCounter: 7) == 255)
        #expect(ProbeMarker.value(forCounter: -3) == 255)
    }
}
