import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import Renderer
import SceneLedger
import Streamer

/// `GET /api/views`, `POST /api/recordings/start|stop?view=ID` (admin: `Authorization:
/// Bearer TOKEN` matching `--admin-token`), `GET /api/recordings` and
/// `GET /api/recordings/ID` (the segment file, streamed from disk), and
/// `GET /api/views/ID/frame` (admin): the view's next frame as a PNG, with the version,
/// scene time and camera owner that `scenecast render` needs to draw it again.
struct RecordingRoutes: Sendable {
    let store: LedgerStore
    let streamer: Streamer?
    /// nil: no admin token is configured, so the control routes answer 403.
    let adminToken: String?
    let logger: Logger

    func register(on router: Router<ServerRequestContext>) {
        router.get("/api/views") { _, _ -> Response in
            await views()
        }
        router.get("/api/views/:id/frame") { request, context -> Response in
            try await frame(request, id: context.parameters.get("id") ?? "")
        }
        router.post("/api/recordings/start") { request, _ -> Response in
            try await control(request, start: true)
        }
        router.post("/api/recordings/stop") { request, _ -> Response in
            try await control(request, start: false)
        }
        router.get("/api/recordings") { _, _ -> Response in
            let segments = try await store.listRecordings()
            return ModelUpload.json(.ok, ["recordings": .array(segments.map(Self.json))])
        }
        router.get("/api/recordings/:id") { _, context -> Response in
            try await download(context.parameters.get("id") ?? "", context: context)
        }
    }

    func views() async -> Response {
        let list = await streamer?.viewList() ?? []
        return ModelUpload.json(.ok, ["views": .array(list.map(Self.json))])
    }

    /// Checks the bearer token; nil when the request may go on, else the 403 to answer.
    func refusal(_ request: Request) -> Response? {
        guard let adminToken, !adminToken.isEmpty else {
            return ModelUpload.error(
                .forbidden, code: "admin_disabled",
                "Recording control needs an admin token; start serve with --admin-token or $SCENECAST_ADMIN_TOKEN.")
        }
        let header = request.headers[.authorization] ?? ""
        let given = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : ""
        guard Self.constantTimeEqual(Array(given.utf8), Array(adminToken.utf8)) else {
            return ModelUpload.error(
                .forbidden, code: "bad_token", "The request lacks the admin token; send Authorization: Bearer TOKEN.")
        }
        return nil
    }

    func control(_ request: Request, start: Bool) async throws -> Response {
        if let refusal = refusal(request) { return refusal }
        guard let streamer else {
            return ModelUpload.error(.serviceUnavailable, code: "streaming_off", "Video streaming is off on this server.")
        }
        guard let id = request.uri.queryParameters.get("view"), !id.isEmpty else {
            return ModelUpload.error(.badRequest, code: "view_missing", "Name the view with ?view=ID; GET /api/views lists them.")
        }
        do {
            let info = start ? try await streamer.startRecording(view: String(id)) : try await streamer.stopRecording(view: String(id))
            logger.info(start ? "recording started by admin" : "recording stopped by admin", metadata: ["view": "\(id)"])
            return ModelUpload.json(.ok, ["view": Self.json(info)])
        } catch {
            let status: HTTPResponse.Status =
                switch error.code {
                case .unknownView: .notFound
                case .recording: .conflict
                default: .internalServerError
                }
            return ModelUpload.error(status, code: error.code.rawValue, error.message)
        }
    }

    /// The view's next frame as a PNG. Its headers say how to draw it again from the
    /// ledger: `scenecast render --scene SCENE --at vVERSION --camera-of VIEWER
    /// --scene-time MICROS --size WxH`.
    func frame(_ request: Request, id: String) async throws -> Response {
        if let refusal = refusal(request) { return refusal }
        guard let streamer else {
            return ModelUpload.error(.serviceUnavailable, code: "streaming_off", "Video streaming is off on this server.")
        }
        do {
            let snapshot = try await streamer.snapshot(view: id)
            let image = RGBAImage(width: snapshot.frame.width, height: snapshot.frame.height, pixels: snapshot.frame.bytes)
            let png = try PNGCodec.encode(image)
            var headers: HTTPFields = [.contentType: "image/png", .contentLength: String(png.count)]
            headers[.init("Scenecast-Version")!] = String(snapshot.version)
            headers[.init("Scenecast-Scene-Time")!] = String(snapshot.sceneTimeMicros)
            headers[.init("Scenecast-Viewer")!] = snapshot.viewer.uuidString.lowercased()
            let c = snapshot.camera
            headers[.init("Scenecast-Camera")!] =
                "\(c.azimuth),\(c.elevation),\(c.distance),\(c.target.x),\(c.target.y),\(c.target.z),\(c.fov)"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: png)))
        } catch let error as StreamerError {
            let status: HTTPResponse.Status = error.code == .unknownView ? .notFound : .serviceUnavailable
            return ModelUpload.error(status, code: error.code.rawValue, error.message)
        }
    }

    func download(_ idText: String, context: some RequestContext) async throws -> Response {
        guard let id = Int64(idText), let segment = try await store.recording(id) else {
            return ModelUpload.error(.notFound, code: "unknown_recording", "No recording segment has the id \(idText); GET /api/recordings lists them.")
        }
        guard segment.status == .complete, FileManager.default.fileExists(atPath: segment.path) else {
            return ModelUpload.error(.gone, code: "recording_unavailable", "The recording segment \(id) has no complete file on disk.")
        }
        let body = try await FileIO().loadFile(path: segment.path, context: context)
        let type = segment.path.hasSuffix(".mkv") ? RecordingFormat.mkv.contentType : RecordingFormat.mp4.contentType
        var headers: HTTPFields = [.contentType: type, .contentLength: String(segment.bytes)]
        headers[.contentDisposition] = "attachment; filename=\"recording-\(id).\(segment.path.hasSuffix(".mkv") ? "mkv" : "mp4")\""
        return Response(status: .ok, headers: headers, body: body)
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) { diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0) }
        return diff == 0
    }

    static func json(_ info: ViewInfo) -> JSONValue {
        [
            "id": .string(info.id), "scene": .string(info.scene.uuidString.lowercased()), "width": .number(Double(info.width)),
            "height": .number(Double(info.height)), "peers": .number(Double(info.peers)), "recording": .bool(info.recording),
            "restart": info.restart.map(json) ?? .null,
            "renderFailures": .number(Double(info.renderFailures)), "rebuilds": .number(Double(info.rebuilds)),
            "frames": [
                "changes": .number(Double(info.frames.changes)), "rendered": .number(Double(info.frames.rendered)),
                "renderMs": .number(Double(info.frames.renderNanos) / 1e6), "pushed": .number(Double(info.frames.pushed)),
                "encoded": .number(Double(info.frames.encoded)),
            ],
        ]
    }

    /// A view's recording failures and restarts under `--record`.
    static func json(_ r: RecordingRestartStatus) -> JSONValue {
        [
            "failuresInRow": .number(Double(r.failuresInRow)), "restarts": .number(Double(r.restarts)),
            "retryAt": r.retryAtMicros.map { .string(AuditTime.iso($0)) } ?? .null, "lastError": r.lastError.map(JSONValue.string) ?? .null,
        ]
    }

    static func json(_ s: RecordingSegment) -> JSONValue {
        [
            "id": .number(Double(s.id)), "session": .string(s.session.uuidString.lowercased()), "view": .string(s.view),
            "scene": .string(s.scene.uuidString.lowercased()), "status": .string(s.status.rawValue),
            "startedAt": .string(AuditTime.iso(s.startedAtMicros)), "endedAt": .string(AuditTime.iso(s.endedAtMicros)),
            "path": .string(s.path), "bytes": .number(Double(s.bytes)), "sha256": s.sha256.map(JSONValue.string) ?? .null,
            "error": s.error.map(JSONValue.string) ?? .null, "createdAt": .string(AuditTime.iso(s.createdAtMicros)),
            "download": .string("/api/recordings/\(s.id)"),
        ]
    }
}
