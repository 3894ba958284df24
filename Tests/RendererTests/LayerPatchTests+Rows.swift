import Foundation
import Logging
import Renderer
import SceneLedger
import Testing

/// Input between two animation steps keeps the step's scene time, so its frame is drawn
/// over the one before only where it changed (`RenderStats.changedRows`), and the CPU's I420
/// read converts only those rows again over the last frame it read. Every such frame must
/// read back exactly as the frame drawn whole.
extension LayerPatchTests {
    /// The I420 frame a fresh context draws whole for `state` at `time`, converted on the CPU.
    func wholeI420(_ state: SceneState, at time: Int64) async throws -> Frame {
        let context = try await GLContext.make(width: width, height: height, samples: 0, logger: Logger(label: "test.rows"))
        await context.useI420Path(.cpu)
        try await context.renderScene(state, camera: camera, viewer: viewer, sceneTimeMicros: time)
        let frame = try await context.readFrameI420()
        await context.close()
        return frame
    }

    /// A view of the animating plant whose still layer is saved, each frame read as I420.
    func animatingView() async throws -> View {
        let view = try await View(self)
        await view.context.useI420Path(.cpu)
        for _ in 0..<3 {
            _ = try await view.frame()
            _ = try await view.context.readFrameI420()
        }
        return view
    }

    /// Draws the next frame after `event`, reads it as I420 and compares it with the frame
    /// drawn whole; returns the frame's statistics.
    func checkedFrame(_ view: View, after event: SceneEvent? = nil, step: Bool) async throws -> RenderStats {
        let stats = try await view.frame(after: event, step: step)
        let read = try await view.context.readFrameI420()
        let whole = try await wholeI420(view.plant.state, at: view.time)
        let differing = zip(read.bytes, whole.bytes).count { $0 != $1 }
        #expect(differing == 0, "\(differing) I420 bytes differ from the frame drawn whole")
        return stats
    }

    @Test("a probe between animation steps changes only the marker's rows, and reads back as the frame drawn whole")
    func probeBetweenSteps() async throws {
        let view = try await animatingView()
        let stats = try await checkedFrame(view, after: .latencyProbed(participant: viewer, probe: "p1"), step: false)
        #expect(stats.changedRows == (height - ProbeMarker.size)..<height, "the marker's rows only: \(String(describing: stats.changedRows))")
        let back = try await checkedFrame(view, after: .latencyProbed(participant: viewer, probe: "p2"), step: false)
        #expect(back.changedRows == (height - ProbeMarker.size)..<height, "and back")
        await view.context.close()
    }

    @Test("an edit between animation steps changes only the rows of its patch", arguments: ["select", "hover"])
    func editBetweenSteps(_ name: String) async throws {
        let view = try await animatingView()
        let stats = try await checkedFrame(view, after: edit(name), step: false)
        let rows = try #require(stats.changedRows, "drawn over the frame before")
        #expect(!rows.isEmpty && rows.count < height, "some rows: \(rows)")
        #expect(stats.patchedPixels > 0)
        await view.context.close()
    }

    @Test("a frame with nothing new reads back as the one before; the next animation step changes every row")
    func unchangedThenStep() async throws {
        let view = try await animatingView()
        let same = try await checkedFrame(view, step: false)
        #expect(same.changedRows?.isEmpty == true, "nothing changed")
        let stepped = try await checkedFrame(view, after: .latencyProbed(participant: viewer, probe: "p1"), step: true)
        #expect(stepped.changedRows == nil, "the particles moved: the frame may differ anywhere")
        await view.context.close()
    }

    @Test("after anything else is drawn into the frame, the next frame is made whole")
    func otherDrawingForgetsTheFrame() async throws {
        let view = try await animatingView()
        try await view.context.drawTestPattern()
        let stats = try await checkedFrame(view, step: false)
        #expect(stats.changedRows == nil, "the framebuffer no longer holds the scene's frame")
        await view.context.close()
    }
}
