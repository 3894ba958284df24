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

    /// Every pixel of the marker square (black left half, white right half), and the ones
    /// just right of and below it.
    func expectShownRGBA(_ frame: Frame) {
        let side = ProbeMarker.size
        var wrong = 0
        for y in 0..<side {
            for x in 0..<side {
                let value: UInt8 = x < side / 2 ? 0 : 255
                if frame.rgba(x: x, y: y) != [value, value, value, 255] { wrong += 1 }
            }
        }
        #expect(wrong == 0, "\(wrong) marker pixels are not black on the left half and white on the right")
        // The square is exactly `side` pixels: its neighbours show the (light grey) scene.
        #expect(frame.rgba(x: side + 1, y: 2) != [255, 255, 255, 255])
        #expect(frame.rgba(x: 2, y: side + 1) != [0, 0, 0, 255])
    }

    /// The corner shows the scene exactly as a frame drawn without any probe does.
    func expectAbsent(_ frame: Frame, like reference: Frame) {
        let side = ProbeMarker.size
        var wrong = 0
        for y in 0..<side + 2 {
            for x in 0..<side + 2 where frame.rgba(x: x, y: y) != reference.rgba(x: x, y: y) { wrong += 1 }
        }
        #expect(wrong == 0, "\(wrong) corner pixels differ from the frame drawn without a probe")
        // The black half is gone: the (light grey) scene shows through.
        #expect(frame.rgba(x: 4, y: 4) != [0, 0, 0, 255])
    }

    func expectShownI420(_ frame: Frame) {
        let side = ProbeMarker.size
        var wrong = 0
        for y in 0..<side {
            for x in 0..<side {
                let p = frame.yuv(x: x, y: y)
                if p.y != (x < side / 2 ? 16 : 235) || p.u != 128 || p.v != 128 { wrong += 1 }
            }
        }
        #expect(wrong == 0, "\(wrong) marker pixels are not Y 16 (left) or Y 235 (right), U 128, V 128")
    }

    @Test("absent while the probe counter is even, shown once a probe makes it odd, gone after the next, in RGBA and I420", arguments: [0, 4])
    func showsOnlyDuringProbe(samples: Int) async throws {
        let context = try await GLContext.make(width: 96, height: 64, samples: samples, logger: Logger(label: "test.probe"))
        var projection = scene()
        try await context.renderScene(projection.state, changes: projection.takeChanges(), camera: camera, viewer: viewer)
        let atRest = try await context.readFrameRGBA()
        let atRestI420 = try await context.readFrameI420()
        #expect(atRest.rgba(x: 4, y: 4) != [0, 0, 0, 255], "the corner is black with no probe")
        #expect(atRestI420.yuv(x: 4, y: 4).y != 16, "the corner's luma is the marker's black with no probe")

        projection.apply(.latencyProbed(participant: viewer, probe: "p1"), version: 3, recordedAtMicros: 3_000)
        #expect(projection.state.probeMarker == 1)
        try await context.renderScene(projection.state, changes: projection.takeChanges(), camera: camera, viewer: viewer)
        expectShownRGBA(try await context.readFrameRGBA())
        expectShownI420(try await context.readFrameI420())

        projection.apply(.latencyProbed(participant: viewer, probe: "p2"), version: 4, recordedAtMicros: 4_000)
        try await context.renderScene(projection.state, changes: projection.takeChanges(), camera: camera, viewer: viewer)
        expectAbsent(try await context.readFrameRGBA(), like: atRest)
        let back = try await context.readFrameI420()
        #expect(back.yuv(x: 4, y: 4) == atRestI420.yuv(x: 4, y: 4) && back.yuv(x: 28, y: 4) == atRestI420.yuv(x: 28, y: 4))
        await context.close()
    }

    @Test("the marker shows only while the counter is odd")
    func parity() {
        #expect(!ProbeMarker.isShown(forCounter: 0))
        #expect(ProbeMarker.isShown(forCounter: 7))
        #expect(ProbeMarker.isShown(forCounter: -3))
        #expect(!ProbeMarker.isShown(forCounter: 8))
    }
}
