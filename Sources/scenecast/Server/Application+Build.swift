import ScenecastFixtures
import ScenecastTerminal
import CommandBus
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Renderer
import SceneLedger
import ServiceLifecycle
import Streamer
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

/// A built Scenecast server: the Hummingbird application (its routes, and the services
/// under it in shutdown order) and what must be stopped after it.
struct ScenecastApplication: Sendable {
    let application: Application<RouterResponder<ServerRequestContext>>
    let streamer: Streamer?
    let postgres: EmbeddedPostgres.Supervisor?
    /// The demo scene, when `demo` asked for one.
    let demoScene: UUID?

    /// Serves until SIGTERM or SIGINT, then shuts down gracefully: HTTP first (no new
    /// connections, WebSockets closed), then the scene hosts, then the ledger writer, then
    /// memory trimming and PostgreSQL supervision. Without `handlingSignals` (a test in
    /// this process), cancelling the task stops it instead.
    func run(handlingSignals: Bool = true) async throws {
        if handlingSignals {
            try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } else {
            try await application.run()
        }
        await streamer?.stopAll()
        await postgres?.stopServerItStarted()
    }
}

/// Builds the whole server from `configuration` on an open database `session`: the demo
/// scene (seeded once), the ledger writer, the scene hosts, the model library, the video
/// streamer, PostgreSQL supervision and the HTTP routes (`ScenecastServer.routes`). The
/// binary and the tests build the same server through this one function.
func buildApplication(_ configuration: ServerConfiguration, session: DatabaseSession, logger: Logger) async throws -> ScenecastApplication {
    var demoScene: UUID?
    if let demo = configuration.demo {
        let id = DemoScenes.id(devices: demo)
        if try await session.store.scene(id) == nil {
            _ = try await SceneSeeder(store: session.store, conninfo: session.conninfo, logger: logger)
                .create(name: "Demo plant (\(demo) devices)", demoDevices: demo, id: id)
        }
        demoScene = id
    }
    let writer = LedgerWriter(conninfo: session.conninfo, logger: logger)
    // The one model library of the process: live views, render of a view, hover and click picking.
    let models = ModelLibrary(source: session.store, budgetBytes: configuration.modelMemoryBytes, logger: logger)
    let hosts = SceneHostManager(
        store: session.store, writer: writer, picker: LibraryPicking(models: models).picker,
        holder: "\(ProcessInfo.processInfo.hostName):\(getpid())", logger: logger
    )
    let recording = RecordingSettings(
        directory: configuration.recordingsDirectory, format: configuration.recordFormat,
        segmentSeconds: configuration.recordSegmentSeconds, always: configuration.record, index: session.store
    )
    let streamer = makeStreamer(
        configuration, recording: configuration.record || configuration.adminToken != nil ? recording : nil, models: models, logger: logger)
    let renderer = await RendererProbe.run(logger: logger)
    // The built-in equipment's models and picking BVHs, for the first frame, click and hover.
    ModelLibrary.warmBuiltins()
    // Starts the embedded PostgreSQL again if it stops (docs/operations.md).
    let postgres = session.embedded.map { EmbeddedPostgres.Supervisor(handle: $0, logger: logger) }
    let dependencies = ScenecastServer.Dependencies(
        store: session.store, hosts: hosts, streamer: streamer, demoScene: demoScene,
        database: session.embedded == nil ? "external" : "embedded", maxModelBytes: configuration.maxModelBytes,
        renderer: renderer, logger: logger, adminToken: configuration.adminToken, embeddedPostgres: postgres,
        outboundLimits: configuration.outboundLimits
    )
    // Started in this order and stopped in reverse, after the HTTP server (which
    // Hummingbird runs last): supervision stays while the writer drains.
    var services: [any Service] = []
    if let postgres { services.append(postgres) }
    if let streamer {
        // Gives back the memory of closed views and peers (docs/operations.md, "Memory").
        services.append(
            MemoryTrimmer(
                load: {
                    let open = await streamer.summary()
                    return open.views + open.peers
                },
                logger: logger))
    }
    services += [writer, hosts]
    let router = ScenecastServer.routes(publicFolder: configuration.publicFolder, dependencies)
    let application = Application(
        router: router,
        // HTTP/1.1 with the WebSocket upgrade for `/signal`.
        server: .http1WebSocketUpgrade(
            webSocketRouter: router,
            configuration: .init(ws: WebSocketServerConfiguration(maxFrameSize: SignalSession.maxFrameBytes))
        ),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "scenecast"),
        services: services,
        logger: logger
    )
    return ScenecastApplication(application: application, streamer: streamer, postgres: postgres, demoScene: demoScene)
}

/// The video streamer, or nil (with a note) when GStreamer or an H.264 encoder is missing.
private func makeStreamer(
    _ configuration: ServerConfiguration, recording: RecordingSettings?, models: ModelLibrary, logger: Logger
) -> Streamer? {
    do {
        try GStreamer.initialize()
    } catch {
        Terminal.line("Video streaming is off: \(error.message).")
        return nil
    }
    let settings = StreamerConfiguration(ice: configuration.ice, maxFPS: configuration.videoFPS, models: models)
    guard let encoder = settings.encoder else {
        Terminal.line("Video streaming is off: no H.264 encoder (x264enc, nvh264enc, vah264enc) is installed.")
        return nil
    }
    logger.info("video streaming on", metadata: ["encoder": "\(encoder.kind.rawValue)", "gstreamer": "\(GStreamer.version)"])
    if let recording { logger.info("recording on", metadata: ["directory": "\(recording.directory)", "always": "\(recording.always)"]) }
    return Streamer(configuration: settings, recording: recording, logger: logger)
}
