import Logging
import Renderer
import SceneLedger

/// The renderer `serve` found at start: one small GL context is made and closed, so the
/// logs and `/health` say which EGL platform (NVIDIA device or Mesa surfaceless) and which
/// GL renderer every view will get, or why none can start.
enum RendererProbe: Sendable {
    case ready(GLInfo)
    case unavailable(String)

    static func run(logger: Logger) async -> RendererProbe {
        do throws(RendererError) {
            let context = try await GLContext.make(width: 16, height: 16, logger: logger)
            let info: GLInfo
            do throws(RendererError) { info = try await context.info } catch {
                await context.close()
                throw error
            }
            await context.close()
            logger.info("renderer ready", metadata: ["egl": "\(info.platform.rawValue)", "renderer": "\(info)"])
            return .ready(info)
        } catch {
            logger.error("no GL context can start; video views will fail", metadata: ["error": "\(error)"])
            return .unavailable(error.message)
        }
    }

    var json: JSONValue {
        switch self {
        case .ready(let info):
            [
                "available": true, "platform": .string(info.platform.rawValue), "renderer": .string(info.renderer),
                "vendor": .string(info.vendor), "version": .string(info.version), "samples": .number(Double(info.samples)),
                "software": .bool(info.isSoftwareRasterizer),
            ]
        case .unavailable(let reason):
            ["available": false, "error": .string(reason)]
        }
    }
}
