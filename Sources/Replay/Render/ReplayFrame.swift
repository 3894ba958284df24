package import Foundation
package import Logging
package import Renderer
package import SceneLedger

/// Draws a replayed moment through the Renderer, as the session saw it: its camera, its
/// selection highlighted (viewer = the session), scene time from the ledger.
package enum ReplayFrame {
    /// Renders the state and returns the RGBA image.
    package static func render(
        _ state: SceneState, camera: Camera, viewer: UUID, width: Int, height: Int, models: ModelLibrary, logger: Logger
    ) async throws(ReplayError) -> RGBAImage {
        await models.prepare(state)
        do {
            let context = try await GLContext.make(width: width, height: height, models: models, logger: logger)
            do {
                try await context.renderScene(state, camera: camera, viewer: viewer, sceneTimeMicros: state.sceneTimeMicros)
                let frame = try await context.readFrameRGBA()
                await context.close()
                return RGBAImage(width: frame.width, height: frame.height, pixels: frame.bytes)
            } catch {
                await context.close()
                throw error
            }
        } catch {
            throw ReplayError(.render, "Could not render the replayed frame", underlying: error)
        }
    }

    /// Renders and encodes a PNG.
    package static func png(
        _ state: SceneState, camera: Camera, viewer: UUID, width: Int, height: Int, models: ModelLibrary, logger: Logger
    ) async throws(ReplayError) -> [UInt8] {
        let image = try await render(state, camera: camera, viewer: viewer, width: width, height: height, models: models, logger: logger)
        do { return try PNGCodec.encode(image) } catch {
            throw ReplayError(.render, "Could not encode the frame as PNG", underlying: error)
        }
    }
}
