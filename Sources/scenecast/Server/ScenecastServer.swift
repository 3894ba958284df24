import CommandBus
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import SceneLedger
import Streamer

/// The HTTP side of `scenecast serve`: `/health`, the `/signal` WebSocket and the web
/// client's static files.
enum ScenecastServer {
    struct Dependencies: Sendable {
        let store: LedgerStore
        let hosts: SceneHostManager
        let streamer: Streamer?
        let demoScene: UUID?
        let database: String
        let maxModelBytes: Int
        /// What a GL context runs on here (EGL platform, renderer), or why none starts.
        let renderer: RendererProbe
        let logger: Logger
        /// The admin token for recording control; nil: the control routes answer 403.
        var adminToken: String? = nil
        /// The embedded PostgreSQL's supervisor; nil with an external database.
        var embeddedPostgres: EmbeddedPostgres.Supervisor? = nil
        /// Clients' connection-quality reports, summarized in `/health`.
        let metrics = ClientMetricsBoard()
        /// Each `/signal` connection's outbound queue limits.
        var outboundLimits = OutboundQueue.Limits()
    }

    /// Every route of the server: `/health`, the JSON API, `/signal` and the web client's
    /// files from `publicFolder` (`publicFolder()`).
    static func routes(publicFolder: String, _ deps: Dependencies) -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        router.middlewares.add(FileMiddleware(publicFolder, searchForIndexHtml: true, logger: deps.logger))
        router.get("/health") { _, _ -> Response in
            try await health(deps)
        }
        let models = ModelUpload(store: deps.store, maxBytes: deps.maxModelBytes, logger: deps.logger)
        router.post("/api/models") { request, _ -> Response in
            let name = request.uri.queryParameters.get("name") ?? "model.stl"
            return try await models.upload(request, name: String(name.prefix(200)))
        }
        router.get("/api/models") { _, _ -> Response in
            try await models.list()
        }
        router.post("/api/metrics") { request, _ -> Response in
            try await receiveMetrics(request, deps)
        }
        RecordingRoutes(store: deps.store, streamer: deps.streamer, adminToken: deps.adminToken, logger: deps.logger)
            .register(on: router)
        router.ws("/signal") { inbound, outbound, context in
            let session = SignalSession(
                hosts: deps.hosts, demoScene: deps.demoScene, streamer: deps.streamer, store: deps.store,
                remoteIP: context.requestContext.remoteIP, outboundLimits: deps.outboundLimits,
                closeConnection: context.requestContext.closeConnection, logger: context.logger
            )
            try await session.run(inbound: inbound, outbound: outbound)
        }
        return router
    }

    /// The web client's files, shipped as a resource of this executable.
    /// `SCENECAST_PUBLIC_DIR` serves them from elsewhere (a checkout, while editing them).
    static func publicFolder() throws(LedgerError) -> String {
        if let override = ProcessInfo.processInfo.environment["SCENECAST_PUBLIC_DIR"], !override.isEmpty {
            return override
        }
        return try ResourceFolder.locate("Public", bundle: "scenecast_scenecast").path
    }

    /// `POST /api/metrics`: a client's quality report, kept for `/health`. 204, or a
    /// structured error (400, 413) naming the field at fault.
    static func receiveMetrics(_ request: Request, _ deps: Dependencies) async throws -> Response {
        var bytes: [UInt8] = []
        for try await buffer in request.body {
            bytes += buffer.readableBytesView
            guard bytes.count <= ClientMetricsReport.maxBytes else { break }
        }
        switch ClientMetricsReport.decode(bytes) {
        case .success(let report):
            deps.metrics.record(report, nowMicros: WallClock.nowMicros())
            return Response(status: .noContent)
        case .failure(let rejection):
            return ModelUpload.error(
                rejection.code == "too_large" ? .contentTooLarge : .badRequest, code: rejection.code, rejection.message)
        }
    }

    /// `/health`'s `database`: reachable, kind and, for the embedded server, its supervision.
    static func database(_ deps: Dependencies, reachable: Bool) -> JSONValue {
        var fields: [String: JSONValue] = ["reachable": .bool(reachable), "kind": .string(deps.database)]
        if let report = deps.embeddedPostgres?.report {
            fields["embedded"] = [
                "state": .string(report.state.rawValue), "restarts": .number(Double(report.restarts)),
                "lastError": report.lastError.map(JSONValue.string) ?? .null,
                "retryInSeconds": report.retryInSeconds.map { .number(($0 * 10).rounded() / 10) } ?? .null,
            ]
        }
        return .object(fields)
    }

    static func health(_ deps: Dependencies) async throws -> Response {
        let databaseUp = await deps.store.ping()
        let scenes = await deps.hosts.summary()
        let streaming = await deps.streamer?.summary()
        let clients = deps.metrics.summary(nowMicros: WallClock.nowMicros())
        func figure(_ value: Double?) -> JSONValue { value.map { .number(($0 * 10).rounded() / 10) } ?? .null }
        let body: JSONValue = [
            "status": .string(databaseUp ? "ok" : "degraded"),
            "database": database(deps, reachable: databaseUp),
            "scenes": .array(
                scenes.map {
                    [
                        "id": .string($0.scene.uuidString.lowercased()), "version": .number(Double($0.version)),
                        "participants": .number(Double($0.participants)),
                    ]
                }
            ),
            "renderer": deps.renderer.json,
            "demoScene": deps.demoScene.map { .string($0.uuidString.lowercased()) } ?? .null,
            "streaming": [
                "encoder": .string(deps.streamer?.encoderName ?? "none"),
                "views": .number(Double(streaming?.views ?? 0)),
                "peers": .number(Double(streaming?.peers ?? 0)),
            ],
            "clients": [
                "reporting": .number(Double(clients.clients)), "minFps": figure(clients.minFps),
                "maxRttMs": figure(clients.maxRttMs), "maxLossPercent": figure(clients.maxLossPercent),
                "worstLatencyP50Ms": figure(clients.worstLatencyP50Ms),
            ],
        ]
        var response = Response(
            status: databaseUp ? .ok : .serviceUnavailable,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body.canonicalBytes))
        )
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
