import ScenecastFixtures
import ScenecastTerminal
import ArgumentParser
import Foundation
import Logging
import Renderer
import SceneLedger

struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render one view of a scene (or of a demo plant) to a PNG, headless."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The scene to render.") var scene: String?
    @Option(help: "Render a demo plant of this many devices instead (needs no database).") var demo: Int?
    @Option(help: "The scene as it was then: a version (v1234), an ISO-8601 time, or an offset from its first event (90s, 1m30s, +00:01:30). Default: now.")
    var at: String?
    @Option(help: "azimuth,elevation,distance in degrees and metres, around the scene's centre.") var camera: String?
    @Option(
        name: .customLong("camera-of"),
        help: "Draw the scene as this participant (a session id; /api/views lists them) saw it then: their camera, and what is drawn for them alone."
    )
    var cameraOf: String?
    @Option(
        name: .customLong("scene-time"),
        help: "The moment the flows are drawn at: microseconds since 1970 or an ISO-8601 time (a live view's frame names its own). Default: the state's time."
    )
    var sceneTime: String?
    @Option(help: "WIDTHxHEIGHT, even numbers.") var size: String = "1280x720"
    @Option(help: "Where to write the PNG.") var out: String

    func validate() throws {
        guard (scene == nil) != (demo == nil) else { throw ValidationError("Give either --scene ID or --demo N.") }
        if let demo, !(1...5_000).contains(demo) { throw ValidationError("--demo takes 1 to 5000 devices.") }
        _ = try Self.parseSize(size)
        if let camera { _ = try Self.parseCamera(camera) }
        if let cameraOf {
            guard camera == nil else { throw ValidationError("Give either --camera or --camera-of, not both.") }
            guard UUID(uuidString: cameraOf) != nil else { throw ValidationError("--camera-of: \"\(cameraOf)\" is not a session id (a UUID).") }
            if demo != nil { throw ValidationError("--camera-of needs --scene: a demo plant has no participants.") }
        }
        if let sceneTime, Self.parseSceneTime(sceneTime) == nil {
            throw ValidationError("--scene-time: \"\(sceneTime)\" is not a time: give microseconds since 1970 (1765432100123456) or ISO-8601 (2026-12-07T10:00:00.25Z).")
        }
        if let at {
            guard SceneTimeSpec.parse(at) != nil else { throw ValidationError("--at: \"\(at)\" is not a time: use \(SceneTimeSpec.formats).") }
            if demo != nil { throw ValidationError("--at needs --scene: a demo plant has no history.") }
        }
    }

    static func parseSize(_ text: String) throws -> (Int, Int) {
        let parts = text.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, (16...4096).contains(parts[0]), (16...4096).contains(parts[1]), parts[0] % 2 == 0, parts[1] % 2 == 0
        else { throw ValidationError("--size must be WIDTHxHEIGHT with even numbers from 16 to 4096, like 1280x720.") }
        return (parts[0], parts[1])
    }

    /// Microseconds since 1970, from a whole number of them or an ISO-8601 time (to the
    /// microsecond, as the ledger records times: `AuditTime.parseISO`).
    static func parseSceneTime(_ text: String) -> Int64? {
        if let micros = Int64(text), micros >= 0 { return micros }
        return AuditTime.parseISO(text)
    }

    static func parseCamera(_ text: String) throws -> (Double, Double, Double) {
        let parts = text.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, parts.allSatisfy(\.isFinite), (-89...89).contains(parts[1]), parts[2] > 0.5 else {
            throw ValidationError("--camera must be azimuth,elevation,distance with elevation in -89...89 and distance over 0.5, like 45,35,80.")
        }
        return (parts[0], parts[1], parts[2])
    }

    func run() async throws {
        let logger = global.makeLogger()
        let (width, height) = try Self.parseSize(size)
        let outURL = URL(fileURLWithPath: out)
        guard FileManager.default.isWritableFile(atPath: outURL.deletingLastPathComponent().path) else {
            throw CLIError("Cannot write \(out): its folder does not exist or is not writable.")
        }
        let (state, models) = try await loadState(logger: logger)
        let (view, viewer) = try Self.camera(camera, of: cameraOf, in: state)
        let context = try await GLContext.make(width: width, height: height, models: models, logger: logger)
        let stats = try await context.renderScene(state, camera: view, viewer: viewer, sceneTimeMicros: sceneTime.flatMap(Self.parseSceneTime))
        let frame = try await context.readFrameRGBA()
        await context.close()
        let png = try PNGCodec.encode(RGBAImage(width: frame.width, height: frame.height, pixels: frame.bytes))
        do { try Data(png).write(to: outURL) } catch {
            throw CLIError("Cannot write \(out): \(error.localizedDescription)")
        }
        Terminal.line(
            "wrote \(out): \(width)x\(height), version \(state.version), \(state.devices.count) devices, \(stats.drawnTriangles) triangles drawn, \(stats.culledDevices) culled"
        )
    }

    /// The scene's state, and a model library holding every model its devices use, loaded
    /// from the ledger's model store (one that cannot be loaded draws as the placeholder).
    func loadState(logger: Logger) async throws -> (SceneState, ModelLibrary) {
        if let demo {
            let state = DemoFactory(deviceCount: demo).state(sceneID: DemoScenes.id(devices: demo), name: "Demo plant (\(demo) devices)")
            return (state, .builtinsOnly)
        }
        guard let id = scene.flatMap(UUID.init(uuidString:)) else { throw CLIError("\"\(scene ?? "")\" is not a scene id (a UUID).") }
        let session = try await database.open(logger: logger)
        do {
            guard try await session.store.scene(id) != nil else { throw CLIError("Scene \(id.uuidString.lowercased()) does not exist.") }
            let state: SceneState
            if let at {
                state = try await Self.state(of: id, at: at, store: session.store)
            } else {
                state = try await session.store.state(scene: id)
            }
            let models = ModelLibrary(source: session.store, logger: logger)
            await models.prepare(state)
            await session.close()
            return (state, models)
        } catch {
            await session.close()
            throw error
        }
    }

    /// The scene at `--at`, or one sentence saying why that moment is not in it.
    static func state(of id: UUID, at text: String, store: LedgerStore) async throws -> SceneState {
        guard let spec = SceneTimeSpec.parse(text) else {
            throw CLIError("--at: \"\(text)\" is not a time: use \(SceneTimeSpec.formats).")
        }
        let scene = id.uuidString.lowercased()
        let head = try await store.headVersion(of: id)
        guard head > 0, let first = try await store.events(scene: id, afterVersion: 0, limit: 1).first,
            let last = try await store.events(scene: id, afterVersion: head - 1, limit: 1).first
        else { throw CLIError("Scene \(scene) has no events yet, so --at \(text) is outside it; leave --at out.") }
        let micros: Int64
        switch spec {
        case .version(let version):
            guard (1...head).contains(version) else {
                throw CLIError("--at \(text) is outside scene \(scene), whose versions run from v1 to v\(head).")
            }
            return try await store.state(scene: id, atVersion: version)
        case .instant(let t): micros = t
        case .offset(let offset): micros = first.recordedAtMicros + offset
        }
        guard (first.recordedAtMicros...last.recordedAtMicros).contains(micros) else {
            let length = Double(last.recordedAtMicros - first.recordedAtMicros) / 1e6
            throw CLIError(
                "--at \(text) is outside scene \(scene), whose events run from \(iso(first.recordedAtMicros)) to \(iso(last.recordedAtMicros)) (offsets 0s to \(Format.fixed(length, 3))s)."
            )
        }
        return try await store.state(scene: id, atTimeMicros: micros)
    }

    static func iso(_ micros: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(micros) / 1e6))
    }

    /// The camera to draw through, and the participant it is drawn for (nil: nobody's view).
    static func camera(_ text: String?, of participant: String?, in state: SceneState) throws -> (Camera, UUID?) {
        if let participant, let id = UUID(uuidString: participant) {
            guard let seen = state.participants[id] else {
                throw CLIError(
                    "Participant \(id.uuidString.lowercased()) is not in scene \(state.sceneID.uuidString.lowercased()) at v\(state.version) (never joined, or left before); pick --at when they were there."
                )
            }
            return (seen.camera, id)
        }
        if let text {
            let (a, e, d) = try parseCamera(text)
            return (Camera(target: Camera.center(of: state), distance: d, azimuth: a, elevation: e, fov: 50), nil)
        }
        return (Camera.overview(of: state), nil)
    }
}
