package import Foundation
import Logging
import SceneLedger

/// One live view, as `GET /api/views` and `/health` list it.
package struct ViewInfo: Sendable {
    /// The view's id: its camera owner's participant id (the view's driver session).
    package var id: String
    package var scene: UUID
    package var width: Int
    package var height: Int
    package var peers: Int
    package var recording: Bool
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

    /// Stops recording the view `id`; its current segment is closed and indexed.
    package func stopRecording(view id: String) throws(StreamerError) -> ViewInfo {
        let key = try viewKey(id)
        guard let branch = views[key]?.recording, branch.isActive else {
            throw StreamerError(.recording, "The view \(id) is not recording; start it with POST /api/recordings/start?view=\(id)")
        }
        views[key]?.recording = nil
        GStreamerControl.async { branch.stop() }
        return info(key, views[key]!)
    }

    func startRecording(_ key: ViewKey) async throws(StreamerError) {
        guard let settings = recording else {
            throw StreamerError(.recording, "Recording is off; start serve with --record or --admin-token to record views")
        }
        guard let entry = views[key], entry.recording?.isActive != true else { return }
        let (view, logger) = (entry.view.pipeline, self.logger)
        let id = key.cameraOwner.uuidString.lowercased()
        let scene = key.scene
        let directory = "\(settings.directory)/\(scene.uuidString.lowercased())/\(id)"
        let index = RecordingIndexer(settings: settings, session: key.cameraOwner, view: id, scene: scene, logger: logger)
        do {
            let branch = try await GStreamerControl.run { () throws(StreamerError) in
                try RecordingBranch(
                    view: view, directory: directory, format: settings.format, segmentSeconds: settings.segmentSeconds,
                    logger: logger, onEvent: index.handle
                )
            }
            views[key]?.recording = branch
        } catch {
            logger.error("recording could not start", metadata: ["view": "\(id)", "error": "\(error)"])
            let now = WallClock.nowMicros()
            index.handle(.failed(path: directory, startedAtMicros: now, endedAtMicros: now, message: error.message))
            throw error
        }
    }

    private func viewKey(_ id: String) throws(StreamerError) -> ViewKey {
        guard let key = views.keys.first(where: { $0.cameraOwner.uuidString.lowercased() == id.lowercased() }) else {
            throw StreamerError(.unknownView, "No live view has the id \(id); GET /api/views lists them")
        }
        return key
    }

    private func info(_ key: ViewKey, _ entry: ViewEntry) -> ViewInfo {
        ViewInfo(
            id: key.cameraOwner.uuidString.lowercased(), scene: key.scene, width: entry.view.pipeline.width,
            height: entry.view.pipeline.height, peers: entry.peers.count, recording: entry.recording?.isActive == true
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
            let stored = try await settings.store.addRecordingSegment(segment)
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
