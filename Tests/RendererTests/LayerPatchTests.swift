import Foundation
import Logging
import Renderer
import SceneLedger
import Testing

/// A change whose pixels can be bounded patches the still layer (`SceneDamage`): only those
/// pixels are drawn again, and the frame must be exactly the frame drawn whole.
@Suite("Patching the still layer for bounded changes", .serialized)
struct LayerPatchTests {
    let viewer = UUID(uuidString: "00000000-0000-4000-8000-0000000000ee")!
    /// Five devices in a row, 4 m apart, each joined to the next by a flowing connection.
    let ids = (1...5).map { UUID(uuidString: "00000000-0000-4000-8000-00000000000\($0)")! }
    let links = (1...4).map { UUID(uuidString: "00000000-0000-4000-8000-0000000001c\($0)")! }
    /// Looking at the middle device from 20 m.
    let camera = Camera(target: Vec3(8, 0.5, 0), distance: 20, azimuth: 20, elevation: 35, fov: 50)
    let width = 480
    let height = 270

    func plant() -> RenderProjection {
        let kinds: [DeviceKind] = [.conveyor, .agv, .robotArm, .storage, .workCenter]
        var events: [SceneEvent] = [.participantJoined(participant: viewer, actor: UUID(), role: .driver)]
        for (i, id) in ids.enumerated() {
            events.append(
                .deviceAdded(Device(id: id, kind: kinds[i], name: "d\(i)", model: .defaultModel(for: kinds[i]), position: Vec3(Double(i) * 4, 0, 0))))
        }
        for (i, link) in links.enumerated() {
            events.append(.connectionCreated(Connection(id: link, source: ids[i], target: ids[i + 1], kind: .material)))
        }
        return .folding(events)
    }

    /// The frame a fresh context draws whole for `state` at `time`.
    func whole(_ state: SceneState, at time: Int64) async throws -> Frame {
        let context = try await GLContext.make(width: width, height: height, samples: 0, logger: Logger(label: "test.patch"))
        try await context.renderScene(state, camera: camera, viewer: viewer, sceneTimeMicros: time)
        let frame = try await context.readFrameRGBA()
        await context.close()
        return frame
    }

    /// Pixels (RGBA) that differ between two frames of one size.
    static func differingPixels(_ a: Frame, _ b: Frame) -> Int {
        precondition(a.bytes.count == b.bytes.count)
        return stride(from: 0, to: a.bytes.count, by: 4).count { a.bytes[$0..<$0 + 4] != b.bytes[$0..<$0 + 4] }
    }

    /// Edits that touch one device or connection, by name.
    func edit(_ name: String) -> SceneEvent {
        switch name {
        case "select": .selectionChanged(participant: viewer, device: ids[2])
        case "move": .deviceMoved(id: ids[2], position: Vec3(8, 0, 1.5))
        case "remove a connection": .connectionRemoved(id: links[1])
        // The camera looks at the middle device: the pointer in the frame's centre hovers it.
        default: .pointerMoved(participant: viewer, pointer: Pointer(x: 0.5, y: 0.5))
        }
    }

    /// One view of the plant, drawn frame after frame 33 ms of scene time apart.
    final class View {
        let context: GLContext
        let tests: LayerPatchTests
        var plant: RenderProjection
        var time: Int64 = 0

        init(_ tests: LayerPatchTests) async throws {
            self.tests = tests
            context = try await GLContext.make(width: tests.width, height: tests.height, samples: 0, logger: Logger(label: "test.patch"))
            plant = tests.plant()
        }

        /// Applies `event`, if any, then draws the next frame: an animation step later, or
        /// (`step` false) at the scene time of the frame before.
        func frame(after event: SceneEvent? = nil, step: Bool = true) async throws -> RenderStats {
            if let event { plant.apply(event, version: plant.version + 1, recordedAtMicros: 100_000 + time) }
            if step { time += 33_000 }
            return try await context.renderScene(
                plant.state, changes: plant.takeChanges(), camera: tests.camera, viewer: tests.viewer, sceneTimeMicros: time)
        }

        /// Pixels of the last frame that differ from the same frame drawn whole.
        func differenceFromWhole() async throws -> Int {
            LayerPatchTests.differingPixels(try await context.readFrameRGBA(), try await tests.whole(plant.state, at: time))
        }
    }

    @Test("an edit redraws only its pixels, and the frame matches one drawn whole", arguments: ["select", "move", "remove a connection", "hover"])
    func patchMatchesWhole(_ name: String) async throws {
        let view = try await View(self)
        _ = try await view.frame()
        _ = try await view.frame()
        #expect(try await view.frame().fromStaticLayer, "the scene animates: the third frame reuses the layer")
        let before = try await view.context.readFrameRGBA()

        let patched = try await view.frame(after: edit(name))
        #expect(patched.fromStaticLayer)
        #expect(patched.patchedPixels > 0, "the edit's pixels were drawn again")
        #expect(patched.patchedPixels < width * height / 4, "and only a part of the frame: \(patched.patchedPixels) pixels")
        #expect(try await view.differenceFromWhole() == 0, "a patched frame looks exactly like one drawn whole")
        #expect(try await view.context.readFrameRGBA().bytes != before.bytes)

        let next = try await view.frame()
        #expect(next.fromStaticLayer && next.patchedPixels == 0, "the patched layer serves the frames after it")
        #expect(try await view.differenceFromWhole() == 0)
        await view.context.close()
        #expect(await view.context.liveObjectCount == 0)
    }

    @Test("a probe leaves the layer as it is: only the marker and the particles change")
    func probeKeepsLayer() async throws {
        let view = try await View(self)
        for _ in 0..<3 { _ = try await view.frame() }
        let probed = try await view.frame(after: .latencyProbed(participant: viewer, probe: "p1"))
        #expect(probed.fromStaticLayer && probed.patchedPixels == 0)
        let shown = try await view.context.readFrameRGBA()
        #expect(shown.rgba(x: 0, y: 0) == [0, 0, 0, 255] && shown.rgba(x: 24, y: 0) == [255, 255, 255, 255], "the marker appeared")
        #expect(try await view.differenceFromWhole() == 0)
        await view.context.close()
    }

    @Test("a change too large to patch is drawn whole, and still matches")
    func largeChangeDrawsWhole() async throws {
        let view = try await View(self)
        for _ in 0..<3 { _ = try await view.frame() }
        // The far-left device jumps to the far right: its old and new bounds span the view.
        let moved = try await view.frame(after: .deviceMoved(id: ids[0], position: Vec3(20, 0, 0)))
        #expect(!moved.fromStaticLayer && moved.patchedPixels == 0)
        #expect(try await view.differenceFromWhole() == 0)
        await view.context.close()
    }
}
