import Foundation
import Logging
import Renderer
import SceneLedger
import Testing

/// Animation-only frames copy the still part of the frame before and draw only the flow
/// particles (`StaticLayer`); any other frame is drawn whole.
@Suite("Still layer of animated frames", .serialized)
struct StaticLayerTests {
    let viewer = UUID(uuidString: "00000000-0000-4000-8000-0000000000ee")!
    let a = UUID(uuidString: "00000000-0000-4000-8000-0000000000a1")!
    let b = UUID(uuidString: "00000000-0000-4000-8000-0000000000b2")!
    let camera = Camera(target: Vec3(2, 0.5, 0), distance: 9, azimuth: 30, elevation: 30, fov: 50)

    /// Two devices joined by a flowing connection: the scene animates.
    func animated() -> RenderProjection {
        .folding(
            RenderProjection.twoDevices(a, b) + [
                .participantJoined(participant: viewer, actor: UUID(), role: .driver),
                .connectionCreated(Connection(id: UUID(), source: a, target: b, kind: .material)),
            ])
    }

    /// The frame a fresh context draws whole for `state` at `time`.
    func whole(_ state: SceneState, at time: Int64, samples: Int) async throws -> Frame {
        let context = try await GLContext.make(width: 320, height: 240, samples: samples, logger: Logger(label: "test.still"))
        try await context.renderScene(state, camera: camera, viewer: viewer, sceneTimeMicros: time)
        let frame = try await context.readFrameRGBA()
        await context.close()
        return frame
    }

    /// With MSAA (a GPU's default) no layer is kept: OpenGL ES cannot copy into a
    /// multisampled framebuffer. Every frame is then drawn whole, and must look the same.
    @Test("the third animation-only frame reuses the layer and matches a frame drawn whole", arguments: [0, 4])
    func reuseMatchesWhole(samples: Int) async throws {
        let context = try await GLContext.make(width: 320, height: 240, samples: samples, logger: Logger(label: "test.still"))
        var p = animated()
        let changes = p.takeChanges()
        let first = try await context.renderScene(p.state, changes: changes, camera: camera, viewer: viewer, sceneTimeMicros: 0)
        #expect(first.visibleParticles > 0, "the connection's particles are in view")
        #expect(!first.fromStaticLayer, "the first frame has nothing to reuse")
        let second = try await context.renderScene(p.state, changes: [], camera: camera, viewer: viewer, sceneTimeMicros: 100_000)
        #expect(!second.fromStaticLayer, "the second frame is drawn whole and saves the layer")
        let secondFrame = try await context.readFrameRGBA()
        let third = try await context.renderScene(p.state, changes: [], camera: camera, viewer: viewer, sceneTimeMicros: 200_000)
        #expect(third.fromStaticLayer == (samples == 0))
        #expect(samples > 0 || third.drawCalls == 2)
        #expect(third.visibleDevices == second.visibleDevices)
        let reused = try await context.readFrameRGBA()

        let expected = try await whole(p.state, at: 200_000, samples: samples)
        #expect(reused.bytes == expected.bytes, "a reused frame looks exactly like one drawn whole")
        #expect(reused.bytes != secondFrame.bytes, "the particles moved between the frames")
        await context.close()
        #expect(await context.liveObjectCount == 0)
    }

    @Test("another camera is drawn whole; a probe and a move keep the layer; animation resumes reuse")
    func changesDrawWhole() async throws {
        let context = try await GLContext.make(width: 320, height: 240, samples: 0, logger: Logger(label: "test.still"))
        var p = animated()
        var time: Int64 = 0
        func frame(_ camera: Camera? = nil) async throws -> RenderStats {
            time += 33_000
            return try await context.renderScene(p.state, changes: p.takeChanges(), camera: camera ?? self.camera, viewer: viewer, sceneTimeMicros: time)
        }
        _ = try await frame()
        _ = try await frame()
        #expect(try await frame().fromStaticLayer)

        p.apply(.latencyProbed(participant: viewer, probe: "p"), version: p.version + 1, recordedAtMicros: 10_000)
        let probed = try await frame()
        #expect(probed.fromStaticLayer && probed.patchedPixels == 0, "a probe flips the marker, which lies over the layer")

        p.apply(.deviceMoved(id: b, position: Vec3(4, 0, 1)), version: p.version + 1, recordedAtMicros: 11_000)
        let moved = try await frame()
        #expect(moved.patchedPixels > 0 || !moved.fromStaticLayer, "a moved device is drawn again (patched or whole)")
        let still = try await context.readFrameRGBA()
        #expect(still.bytes == (try await whole(p.state, at: time, samples: 0)).bytes)
        _ = try await frame()
        let reused = try await frame()
        #expect(reused.fromStaticLayer)
        let after = try await context.readFrameRGBA()
        let expected = try await whole(p.state, at: time, samples: 0)
        #expect(after.bytes == expected.bytes, "the layer shows the device where it moved")
        #expect(after.bytes != still.bytes)

        var turned = camera
        turned.azimuth += 10
        #expect(try await frame(turned).fromStaticLayer == false, "another camera")
        #expect(try await frame(turned).fromStaticLayer == false)
        #expect(try await frame(turned).fromStaticLayer)
        #expect(try await frame().fromStaticLayer == false, "back to the first camera: the layer was for the other one")

        // A frame with no moving particles in view frees the layer's buffers.
        let framebuffers = await context.liveObjects["framebuffer"]
        let away = Camera(target: Vec3(500, 0, 500), distance: 5, azimuth: 30, elevation: 30, fov: 50)
        #expect(try await frame(away).visibleParticles == 0)
        #expect(await context.liveObjects["framebuffer"] == framebuffers.map { $0 - 1 }, "the layer's framebuffer is deleted")
        await context.close()
    }
}
