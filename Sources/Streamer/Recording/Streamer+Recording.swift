package import Foundation
import Logging
import SceneLedger
import Synchronization

/// One live view, as `GET /api/views` and `/health` list it.
package struct ViewInfo: Sendable {
    /// The view's id: its camera owner's participant id (the view's driver session), with
    /// `-vp8` for a VP8 view and `-low` for a lower-rate copy of a shared view.
    package var id: String
    package var scene: UUID
    package var width: Int
    package var height: Int
    package var peers: Int
    package var recording: Bool
    /// Failures and restarts of its recording under `--record`; nil when it never failed.
    package var restart: RecordingRestartStatus?
    /// Times its render or GL context failed, and times it was rebuilt since.
    package var renderFailures = 0
    package var rebuilds = 0
    /// Where its frames go, counted since it started: scene changes taken from its source,
    /// frames rendered (and their total render-plus-readback time), frames pushed to the
    /// encoder (renders and keep-alive repeats), frames the encoder put out.
    package var frames = FrameCounts()
}

/// A view's frame accounting (see `ViewInfo.frames`).
package struct FrameCounts: Sendable {
    package var changes = 0
    package var rendered = 0
    package var renderNanos = 0
    package var pushed = 0
    package var encoded = 0
}

extension Streamer {
    /// The live views.
    package func viewList() -> [ViewInfo] {
        views.map { key, entry in info(key, entry) }.sorted { $0.id < $1.id }
    }

    /// Starts recording the view `id` (nothing changes if it records already).
    package func startRecording(view id: String) async throws(StreamerError) -> ViewInfo {
        let key = try viewKey(id)
        try await startRecording(key)
        return info(key, views[key]!)
    }

    /// Stops recording the view `id`; its current segment is closed and indexed. A restart
    /// waiting after a failure (`--record`) is dropped instead.
    package func stopRecording(view id: String) throws(StreamerError) -> ViewInfo {
        let key = try viewKey(id)
        let waiting = recording?.restarts.stop(key) ?? false
        guard let branch = views[key]?.recording, branch.isActive else {
            guard waiting else {
                throw StreamerError(.recording, "The view \(id) is not recording; start it with POST /api/recordings/start?view=\(id)")
            }
            views[key]?.recording = nil
            logger.info("recording restart dropped", metadata: ["view": "\(id)"])
            return info(key, views[key]!)
        }
        views[key]?.recording = nil
        GStreamerControl.async { branch.stop() }
        return info(key, views[key]!)
    }

    /// Starts recording a view. Under `--record` a failure, at the start or later (a write
    /// error), schedules a restart after `RecordingBackoff`'s wait.
    func startRecording(_ key: ViewKey, restart: Bool = false) async throws(StreamerError) {
        guard let settings = recording else {
            throw StreamerError(.recording, "Recording is off; start serve with --record or --admin-token to record views")
        }
        settings.restarts.keep(only: Set(views.keys))
        guard let entry = views[key], entry.recording?.isActive != true else { return }
        let (view, logger) = (entry.view.pipeline, self.logger)
        let id = key.id
        guard key.codec == .h264 else {
            throw StreamerError(.recording, "The view \(id) streams \(key.codec.rawValue); recordings are of H.264 views only")
        }
        let scene = key.scene
        let directory = "\(settings.directory)/\(scene.uuidString.lowercased())/\(id)"
        let index = RecordingIndexer(settings: settings, session: key.cameraOwner, view: id, scene: scene, logger: logger)
        let restarts = settings.restarts
        let generation = restarts.begin(key)
        let onEvent: @Sendable (RecordingEvent) -> Void = { [weak self] event in
            index.handle(event)
            switch event {
            case .segmentClosed: restarts.segmentClosed(key)
            case .failed(_, _, _, let message):
                guard settings.always, let self else { return }
                Task { await self.recordingFailed(key, generation: generation, message: message) }
            }
        }
        do {
            let branch = try await GStreamerControl.run { () throws(StreamerError) in
                try RecordingBranch(
                    view: view, directory: directory, format: settings.format, segmentSeconds: settings.segmentSeconds,
                    logger: logger, onEvent: onEvent
                )
            }
            guard restarts.isCurrent(key, generation: generation), views[key] != nil else {
                // Stopped, started again or gone while this one was being built.
                GStreamerControl.async { branch.stop() }
                return
            }
            views[key]?.recording = branch
            restarts.started(key, nowNanos: Self.monotonicNanos(), restart: restart)
            if restart { logger.notice("recording restarted after a failure", metadata: ["view": "\(id)"]) }
        } catch {
            logger.error("recording could not start", metadata: ["view": "\(id)", "error": "\(error)"])
            let now = WallClock.nowMicros()
            index.handle(.failed(path: directory, startedAtMicros: now, endedAtMicros: now, message: error.message))
            if settings.always { recordingFailed(key, generation: generation, message: error.message) }
            throw error
        }
    }

    /// A recording failed under `--record`: schedules its restart after the backoff's wait.
    private func recordingFailed(_ key: ViewKey, generation: Int, message: String) {
        guard let restarts = recording?.restarts, views[key] != nil, views[key]?.recording?.isActive != true,
            let delay = restarts.failed(
                key, generation: generation, message: message, nowNanos: Self.monotonicNanos(), nowMicros: WallClock.nowMicros())
        else { return }
        if let dead = views[key]?.recording {
            // Its last reference goes on GStreamer's queue, where its deinit sets the pipeline to NULL.
            views[key]?.recording = nil
            GStreamerControl.async { _ = dead }
        }
        let status = restarts.status(key)
        logger.warning(
            "recording failed; it restarts after a wait",
            metadata: [
                "view": "\(key.id)", "wait_ms": "\(delay / 1_000_000)",
                "failures_in_row": "\(status?.failuresInRow ?? 0)", "error": "\(message)",
            ])
        let task = Task { [weak self] in
            try? await Task.sleep(nanoseconds: delay)
            guard !Task.isCancelled else { return }
            await self?.restartRecording(key)
        }
        restarts.schedule(key, task)
    }

    /// The backoff's wait is over: starts the recording again (a failure schedules the next try).
    private func restartRecording(_ key: ViewKey) async {
        guard let restarts = recording?.restarts, restarts.takeDue(key) else { return }
        guard views[key] != nil else {
            restarts.keep(only: Set(views.keys))
            return
        }
        _ = try? await startRecording(key, restart: true)
    }

    private static func monotonicNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    private func viewKey(_ id: String) throws(StreamerError) -> ViewKey {
        guard let key = views.keys.first(where: { $0.id == id.lowercased() }) else {
            throw StreamerError(.unknownView, "No live view has the id \(id); GET /api/views lists them")
        }
        return key
    }

    private func info(_ key: ViewKey, _ entry: ViewEntry) -> ViewInfo {
        ViewInfo(
            id: key.id, scene: key.scene, width: entry.view.pipeline.width,
            height: entry.view.pipeline.height, peers: entry.peers.count, recording: entry.recording?.isActive == true,
            restart: recording?.restarts.status(key).flatMap { $0.lastError == nil ? nil : $0 },
            renderFailures: entry.view.failures.load(ordering: .relaxed), rebuilds: entry.view.rebuilds.load(ordering: .relaxed),
            frames: FrameCounts(
                changes: entry.view.changesTaken.load(ordering: .relaxed), rendered: entry.view.framesRendered.load(ordering: .relaxed),
                renderNanos: entry.view.renderNanos.load(ordering: .relaxed), pushed: entry.view.pipeline.framesPushed.load(ordering: .relaxed),
                encoded: entry.view.pipeline.framesEncoded.load(ordering: .relaxed)
            )
        )
    }
}

/// Indexes a recording's segments in PostgreSQL as the recording reports them: each closed
/// segment with its size and SHA-256, and a write error as a failed row.
struct RecordingIndexer: Sendable {
    let settings: RecordingSettings
    let session: UUID
    let view: String
    let scene: UUID
    let logger: Logger

    /// Called on the recording's bus thread; hashing and the insert run in a task.
    func handle(_ event: RecordingEvent) {
        let indexer = self
        Task.detached { await indexer.index(event) }
    }

    private func index(_ event: RecordingEvent) async {
        var segment: RecordingSegment
        switch event {
        case .segmentClosed(let path, let start, let end):
            do {
                let (bytes, sha) = try RecordingSegment.digest(path: path)
                segment = row(.complete, path: path, start: start, end: end, bytes: bytes, sha256: sha)
            } catch {
                segment = row(.failed, path: path, start: start, end: end, bytes: 0, sha256: nil)
                segment.error = error.message
            }
        case .failed(let path, let start, let end, let message):
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int).flatMap { $0 } ?? 0
            segment = row(.failed, path: path, start: start, end: end, bytes: Int64(bytes), sha256: nil)
            segment.error = message
        }
        do {
            let stored = try await settings.index.addRecordingSegment(segment)
            logger.info(
                "recording segment indexed",
                metadata: ["id": "\(stored.id)", "status": "\(stored.status.rawValue)", "path": "\(stored.path)", "bytes": "\(stored.bytes)"])
        } catch {
            logger.error("a recording segment could not be indexed", metadata: ["path": "\(segment.path)", "error": "\(error)"])
        }
    }

    private func row(_ status: RecordingSegment.Status, path: String, start: Int64, end: Int64, bytes: Int64, sha256: String?)
        -> RecordingSegment
    {
        RecordingSegment(
            session: session, view: view, scene: scene, status: status, startedAtMicros: start, endedAtMicros: max(start, end),
            path: path, bytes: bytes, sha256: sha256
        )
    }
}
