import Foundation
import Renderer

extension StreamView {
    /// The next frame this view draws, as RGBA with its version, scene time and camera
    /// (`ViewSnapshot`); nil when the view stops or has no scene state before `timeout`.
    /// The request makes the loop draw a frame even when nothing changed, and that frame is
    /// sent to the peers as usual.
    package func snapshot(timeout: Duration = .seconds(5)) async -> ViewSnapshot? {
        await withTaskGroup(of: ViewSnapshot?.self) { group in
            group.addTask { await self.snapshots.next { self.signal.signal() } }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// After a frame is drawn: reads it back as RGBA for the callers of `snapshot()`, if any.
    func answerSnapshots(_ gl: GLContext, _ loop: RenderLoopState) async throws(RendererError) {
        guard snapshots.isRequested, let projection = loop.projection else { return }
        let rgba = try await gl.readFrameRGBA()
        snapshots.fulfil(
            ViewSnapshot(version: projection.version, sceneTimeMicros: rgba.sceneTimeMicros, camera: loop.camera, viewer: cameraOwner, frame: rgba)
        )
    }
}
