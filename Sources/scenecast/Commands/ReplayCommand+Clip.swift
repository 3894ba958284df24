import ScenecastTerminal
import Foundation
import Logging
import Renderer
import Replay
import SceneLedger
import Streamer

extension ReplayCommand {
    /// `replay --from T1 --to T2 --out clip.mp4`: renders the interval frame by frame
    /// (`ReplayClip`) and encodes it into an MP4 (`ClipWriter`), with progress on stderr.
    func runClip(session id: UUID, from: String, to: String, logger: Logger) async throws {
        guard let out else { throw CLIError("A clip needs --out clip.mp4.") }
        let (width, height) = try RenderCommand.parseSize(size)
        // Parse both times before touching the database, so a typo fails at once.
        for text in [from, to] {
            do { _ = try SceneTimeSpec.replayTime(text) } catch { throw CLIError(error.message + ".") }
        }
        try Self.checkWritable(out)
        let db = try await database.open(logger: logger)
        let clip: ReplayClip
        do {
            clip = try await ReplayClip.prepare(
                loader: ReplayLoader(store: db.store), session: id, from: from, to: to, speed: speed, fps: fps,
                width: width, height: height, nowMicros: WallClock.nowMicros(), models: ModelLibrary(source: db.store, logger: logger),
                logger: logger)
        } catch {
            await db.close()
            throw CLIError(error.message + ".")
        }
        do {
            try await write(clip, to: out, logger: logger)
            await db.close()
        } catch {
            await db.close()
            try? FileManager.default.removeItem(atPath: out)
            throw error
        }
        let seconds = Double(clip.plan.outputNanos) / 1e9
        Terminal.line(
            "wrote \(out): \(width)x\(height), \(clip.plan.frameCount) frames at \(fps) fps (\(Format.fixed(seconds, 2)) s), "
                + "\(SessionSpan.duration(clip.plan.toMicros - clip.plan.fromMicros)) of the session at \(Format.fixed(speed, 2))x")
    }

    private func write(_ clip: ReplayClip, to out: String, logger: Logger) async throws {
        let writer: ClipWriter
        do { writer = try ClipWriter(path: out, width: clip.width, height: clip.height, fps: clip.plan.fps, logger: logger) } catch {
            throw CLIError("Cannot write \(out): \(error.message).")
        }
        let total = clip.plan.frameCount
        let progress = ProgressLine("clip frames", total: Int64(total))
        do {
            try await clip.render { frame, index in
                try await writer.write(frame, ptsNanos: clip.plan.presentationNanos(index), durationNanos: clip.plan.durationNanos(index))
                progress.update(Int64(index + 1))
            }
            try await writer.finish()
        } catch let error as ReplayError {
            throw CLIError(error.message + ".")
        } catch let error as StreamerError {
            throw CLIError("Cannot write \(out): \(error.message).")
        }
        progress.finish(Int64(total))
    }

    /// Fails at once, in one sentence, when `out` cannot be created.
    static func checkWritable(_ out: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), isFolder.boolValue {
            throw CLIError("Cannot write \(out): it is a folder; give a file name like clip.mp4.")
        }
        let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw CLIError("Cannot write \(out): its folder does not exist or is not writable.")
        }
    }
}
