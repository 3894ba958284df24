import ScenecastTerminal
import ArgumentParser
import Foundation
import Renderer
import Replay
import SceneLedger

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild a moment of a session from the ledger (a summary and the frame it saw), or render an interval into an MP4 clip.",
        discussion: """
            TIME is an ISO-8601 time (2026-11-24T21:03:00Z), an offset from the session's start \
            (90s, 1m30s, +00:01:30) or a version (v1234). The state is the newest snapshot at or \
            before TIME plus the events after it; the frame uses the session's camera at that moment.

            With --from and --to (and --out clip.mp4) it renders the interval at its recorded \
            timing into an H.264 MP4: --fps frames per second of output, each showing the scene at \
            FROM + output time x --speed.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The session (participant id) to replay.") var session: String
    @Option(help: "The moment: ISO-8601, an offset like 90s or +00:01:30, or a version like v1234.") var at: String?
    @Option(help: "Clip start (a TIME, as --at); with --to and --out clip.mp4.") var from: String?
    @Option(help: "Clip end (a TIME, as --at).") var to: String?
    @Option(help: "Clip speed: scene seconds per second of video, 0.25 to 8.") var speed: Double = 1
    @Option(help: "Clip frames per second of video, 1 to 120.") var fps: Int = 30
    @Option(help: "Write the frame the session saw to this PNG (or, with --from/--to, the clip to this MP4).") var out: String?
    @Option(help: "WIDTHxHEIGHT of the frame, even numbers.") var size: String = "1280x720"
    @Flag(help: "Print the summary as JSON.") var json = false

    func validate() throws {
        _ = try RenderCommand.parseSize(size)
        switch (at, from, to) {
        case (.some, nil, nil): break
        case (nil, .some, .some):
            guard out != nil else { throw ValidationError("A clip needs --out clip.mp4.") }
            guard !json else { throw ValidationError("--json is for --at; a clip prints its progress and the file it wrote.") }
        case (nil, _, _): throw ValidationError("Give --at TIME for a moment, or both --from and --to for a clip.")
        default: throw ValidationError("Give either --at or --from/--to, not both.")
        }
    }

    func run() async throws {
        let logger = global.makeLogger()
        guard let id = UUID(uuidString: session) else { throw CLIError("\"\(session)\" is not a session id (a UUID).") }
        guard let at else { return try await runClip(session: id, from: from ?? "", to: to ?? "", logger: logger) }
        let (width, height) = try RenderCommand.parseSize(size)
        if let out {
            let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
            guard FileManager.default.isWritableFile(atPath: folder) else {
                throw CLIError("Cannot write \(out): its folder does not exist or is not writable.")
            }
        }
        // Parse TIME before touching the database, so a typo fails at once.
        do { _ = try SceneTimeSpec.replayTime(at) } catch { throw CLIError(error.message + ".") }
        let db = try await database.open(logger: logger)
        do {
            let loader = ReplayLoader(store: db.store)
            let moment: ReplayLoader.Moment
            do { moment = try await loader.moment(session: id, at: at, nowMicros: WallClock.nowMicros()) } catch {
                throw CLIError(error.message + ".")
            }
            if let out {
                let png = try await ReplayFrame.png(
                    moment.state, camera: moment.camera, viewer: id, width: width, height: height,
                    models: ModelLibrary(source: db.store, logger: logger), logger: logger)
                do { try Data(png).write(to: URL(fileURLWithPath: out)) } catch {
                    throw CLIError("Cannot write \(out): \(error.localizedDescription)")
                }
            }
            await db.close()
            if json {
                var fields = moment.summary.json.objectValue ?? [:]
                fields["frame"] = out.map { .string($0) } ?? .null
                Terminal.line(JSONValue.object(fields).canonicalString)
            } else {
                for line in moment.summary.lines { Terminal.line(line) }
                if let out {
                    let view = moment.summary.viewerPresent ? "through this session's camera" : "framing the whole plant"
                    Terminal.line("wrote \(out): \(width)x\(height), \(view)")
                }
            }
        } catch {
            await db.close()
            throw error
        }
    }
}
