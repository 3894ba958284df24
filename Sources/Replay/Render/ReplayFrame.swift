package import Foundation
package import Logging
package import Renderer
package import SceneLedger

/// Draws a replayed moment through the Renderer, as the session saw it: its camera, its
/// selection highlighted (viewer = the session), scene time from the ledger.
package enum ReplayFrame {
    /// Renders the state and returns the RGBA image.
    package static func render(
        _ state: SceneState, camera: Camera, viewer: UUID, width: Int, height: Int, store: LedgerStore?, logger: Logger
    ) async throws(ReplayError) -> RGBAImage {
        let assets = await loadAssets(state, store: store, logger: logger)
        do {
            let context = try await GLContext.make(width: width, height: height, logger: logger)
            do {
                try await context.renderScene(
                    state, camera: camera, viewer: viewer, sceneTimeMicros: state.sceneTimeMicros,
                    models: { ref in
                        if case .asset(let sha) = ref { return assets[sha] }
                        return nil
                    })
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
        _ state: SceneState, camera: Camera, viewer: UUID, width: Int, height: Int, store: LedgerStore?, logger: Logger
    ) async throws(ReplayError) -> [UInt8] {
        let image = try await render(state, camera: camera, viewer: viewer, width: width, height: height, store: store, logger: logger)
        do { return try PNGCodec.encode(image) } catch {
            throw ReplayError(.render, "Could not encode the frame as PNG", underlying: error)
        }
    }

    /// The uploaded models the state's devices use; one that cannot be read is drawn as a
    /// stand-in, with a warning.
    static func loadAssets(_ state: SceneState, store: LedgerStore?, logger: Logger) async -> [String: Mesh] {
        guard let store else { return [:] }
        var assets: [String: Mesh] = [:]
        for device in state.devices.values {
            guard case .asset(let sha) = device.model, assets[sha] == nil else { continue }
            do {
                assets[sha] = try STLReader.read(bytes: try await store.modelBytes(sha)).placedOnGround()
            } catch {
                logger.warning("model not drawn; using a stand-in", metadata: ["sha256": "\(sha)", "error": "\(error)"])
            }
        }
        return assets
    }
}
