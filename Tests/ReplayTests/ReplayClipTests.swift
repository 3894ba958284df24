import CGStreamer
import Foundation
import Logging
import Renderer
import Replay
import ScenecastTestSupport
import SceneLedger
import Streamer
import Synchronization
import Testing

@Suite("Replay clips")
struct ClipPlanTests {
    @Test("frames tile output time at the fps; scene time advances at the speed from the start")
    func timing() throws {
        let plan = try ClipPlan(fromMicros: 1_000_000, toMicros: 3_000_000, speed: 2, fps: 30)
        #expect(plan.outputNanos == 1_000_000_000)
        #expect(plan.frameCount == 30)
        #expect(plan.sceneMicros(0) == 1_000_000)
        #expect(plan.sceneMicros(15) == 1_000_000 + 1_000_000)
        let total = (0..<plan.frameCount).reduce(Int64(0)) { $0 + plan.durationNanos($1) }
        #expect(total == plan.presentationNanos(plan.frameCount))
        #expect((1..<plan.frameCount).allSatisfy { plan.sceneMicros($0) > plan.sceneMicros($0 - 1) })
        #expect(plan.sceneMicros(plan.frameCount - 1) <= plan.toMicros)
    }

    @Test("an end not after the start, a speed or fps out of range are errors")
    func rejects() {
        #expect(throws: ReplayError.self) { try ClipPlan(fromMicros: 5, toMicros: 5, speed: 1, fps: 30) }
        #expect(throws: ReplayError.self) { try ClipPlan(fromMicros: 5, toMicros: 4, speed: 1, fps: 30) }
        #expect(throws: ReplayError.self) { try ClipPlan(fromMicros: 0, toMicros: 1_000, speed: 9, fps: 30) }
        #expect(throws: ReplayError.self) { try ClipPlan(fromMicros: 0, toMicros: 1_000, speed: 1, fps: 0) }
    }
}

@Suite("Replay clips against PostgreSQL and GStreamer", .serialized)
struct ReplayClipIntegrationTests {
    @Test("a clip of a session is a playable MP4 with the frame count and duration of its interval")
    func clipReadsBack() async throws {
        let f = try await ReplayFixture.make(extraMoves: 20)
        let logger = Logger(label: "replay.tests")
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/clip.mp4"
        let annEvents = f.events.filter { $0.sessionID == f.ann }
        let first = try #require(annEvents.first), last = try #require(annEvents.last)
        let (speed, fps) = (0.25, 60)
        // 196 wide: GStreamer pads the 98-byte chroma rows to 100, so the plane copy is exercised.

        let plan = try await f.withStore { store in
            let clip = try await ReplayClip.prepare(
                loader: ReplayLoader(store: store), session: f.ann, from: "v\(first.version)", to: "v\(last.version)",
                speed: speed, fps: fps, width: 196, height: 110, nowMicros: WallClock.nowMicros(),
                models: ModelLibrary(source: store, logger: logger), logger: logger)
            let writer = try ClipWriter(path: path, width: 196, height: 110, fps: fps, logger: logger)
            try await clip.render { frame, index in
                try await writer.write(frame, ptsNanos: clip.plan.presentationNanos(index), durationNanos: clip.plan.durationNanos(index))
            }
            try await writer.finish()
            return clip.plan
        }
        // The interval from the recorded times, independent of the plan's arithmetic.
        let outputSeconds = Double(last.recordedAtMicros - first.recordedAtMicros) / 1e6 / speed
        let expectedFrames = Int((outputSeconds * Double(fps)).rounded(.up))
        #expect(plan.frameCount == max(1, expectedFrames))

        let decoded = try MP4ReadBack.decode(path)
        #expect(decoded.frames == max(1, expectedFrames))
        let frameSeconds = 1 / Double(fps)
        #expect(abs(decoded.lastEndSeconds - Double(decoded.frames) * frameSeconds) < frameSeconds / 2)
        #expect(abs(decoded.containerSeconds - Double(decoded.frames) * frameSeconds) < frameSeconds)
    }

    @Test("a clip's range outside the session, or an end before its start, is a clear error")
    func rangeErrors() async throws {
        let f = try await ReplayFixture.make(extraMoves: 2)
        let logger = Logger(label: "replay.tests")
        let annEvents = f.events.filter { $0.sessionID == f.ann }
        let first = try #require(annEvents.first), last = try #require(annEvents.last)
        try await f.withStore { store in
            let loader = ReplayLoader(store: store)
            func prepare(_ from: String, _ to: String) async throws {
                _ = try await ReplayClip.prepare(
                    loader: loader, session: f.ann, from: from, to: to, speed: 1, fps: 30, width: 64, height: 64,
                    nowMicros: WallClock.nowMicros(), models: .builtinsOnly, logger: logger)
            }
            await #expect { try await prepare("v\(last.version)", "v\(first.version)") } throws: {
                ($0 as? ReplayError)?.code == .invalidArgument
            }
            await #expect { try await prepare("v\(first.version)", "v\(last.version + 50)") } throws: {
                ($0 as? ReplayError)?.code == .outOfRange
            }
            await #expect { try await prepare("0s", "1h") } throws: { ($0 as? ReplayError)?.code == .outOfRange }
        }
    }

    @Test("scenecast replay --from --to --out writes the clip; a reversed range, a range outside the session and an unwritable path are one sentence and exit 1")
    func command() async throws {
        let f = try await ReplayFixture.make(extraMoves: 6)
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let annEvents = f.events.filter { $0.sessionID == f.ann }
        let first = try #require(annEvents.first), last = try #require(annEvents.last)
        func replay(_ extra: [String]) throws -> (status: Int32, output: String) {
            try ServerProcess.run(["replay", "--database", f.db.conninfo, "--session", f.ann.uuidString, "--size", "128x72"] + extra)
        }
        let path = folder + "/clip.mp4"
        let made = try replay(["--from", "v\(first.version)", "--to", "v\(last.version)", "--speed", "0.25", "--fps", "24", "--out", path])
        #expect(made.status == 0, "\(made.output)")
        #expect(made.output.contains("wrote \(path)"))
        let decoded = try MP4ReadBack.decode(path)
        let seconds = Double(last.recordedAtMicros - first.recordedAtMicros) / 1e6 / 0.25
        #expect(decoded.frames == max(1, Int((seconds * 24).rounded(.up))))

        for (extra, phrase) in [
            (["--from", "v\(last.version)", "--to", "v\(first.version)"], "must come after"),
            (["--from", "v\(first.version)", "--to", "v\(last.version + 100)"], "outside the session"),
        ] {
            let failed = try replay(extra + ["--out", folder + "/bad.mp4"])
            #expect(failed.status == 1)
            #expect(failed.output.contains(phrase), "\(failed.output)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/bad.mp4"))
        }
        let unwritable = try replay(["--from", "v\(first.version)", "--to", "v\(last.version)", "--out", folder + "/missing/clip.mp4"])
        #expect(unwritable.status == 1)
        #expect(unwritable.output.contains("Cannot write"), "\(unwritable.output)")
    }

    @Test("an unwritable path fails when the writer starts")
    func unwritablePath() throws {
        #expect(throws: StreamerError.self) {
            _ = try ClipWriter(path: "/nonexistent-scenecast-folder/clip.mp4", width: 64, height: 64, fps: 30, logger: Logger(label: "t"))
        }
    }
}
