package import CommandBus
package import Foundation
package import Logging
package import SceneLedger

/// The registry of views and their peers for `scenecast serve`.
///
/// A driver's peer always gets a view of its own (its camera, its encoder). An observer's
/// peer shares the view of the scene's current driver, so one render and one encode feed
/// every follower; with no driver in the scene, the observer gets its own view. A view
/// keeps the size of the peer that created it, and stops when its last peer leaves.
package actor Streamer {
    package nonisolated let configuration: StreamerConfiguration
    let logger: Logger
    var views: [ViewKey: ViewEntry] = [:]
    /// Where and how views are recorded; nil: recording is off.
    package nonisolated let recording: RecordingSettings?

    struct ViewKey: Hashable {
        var scene: UUID
        var cameraOwner: UUID
    }

    struct ViewEntry {
        var view: StreamView
        var peers: [ObjectIdentifier: WebRTCPeer]
        var bitrate: BitrateTask
        var recording: RecordingBranch?
    }

    /// One peer on one view; hand it back to `detach`.
    package struct Attachment: Sendable {
        package let peer: WebRTCPeer
        package let view: StreamView
        let key: ViewKey
    }

    package init(configuration: StreamerConfiguration, recording: RecordingSettings? = nil, logger: Logger) {
        self.configuration = configuration
        self.recording = recording
        self.logger = logger
    }

    /// The encoder in use, for `/health` ("none" when there is no H.264 encoder).
    package nonisolated var encoderName: String { configuration.encoder?.kind.rawValue ?? "none" }

    /// Adds a peer for `participant` and starts its offer.
    package func attach(host: SceneHost, participant: UUID, role: Role, width: Int, height: Int) async throws(StreamerError)
        -> Attachment
    {
        var owner = participant
        if role == .observer,
            let driver = await host.liveState.participants.values.first(where: { $0.role == .driver && $0.id != participant })
        {
            owner = driver.id
        }
        let key = ViewKey(scene: await host.sceneID, cameraOwner: owner)
        return try await attach(key: key, source: host, width: width, height: height)
    }

    /// Adds a peer on a view of its own, drawn from `source` (a replay) through the camera
    /// of `cameraOwner`; nothing is shared with live views or other replays.
    package func attach(source: some ViewSource, cameraOwner: UUID, width: Int, height: Int) async throws(StreamerError) -> Attachment {
        try await attach(key: ViewKey(scene: UUID(), cameraOwner: cameraOwner), source: source, width: width, height: height)
    }

    private func attach(key: ViewKey, source: some ViewSource, width: Int, height: Int) async throws(StreamerError) -> Attachment {
        guard let encoder = configuration.encoder else {
            throw StreamerError(.missingElement, "No H.264 encoder is installed (x264enc, nvh264enc or vah264enc)")
        }
        let owner = key.cameraOwner
        if views[key] == nil {
            let bounds = configuration.bitrateBounds(width: width, height: height)
            let start = (bounds.lowerBound + bounds.upperBound) / 2
            let (fps, logger) = (configuration.maxFPS, self.logger)
            let pipeline = try await GStreamerControl.run { () throws(StreamerError) in
                let pipeline = try ViewPipeline(
                    width: width, height: height, fps: fps, encoder: encoder, bitrateKbps: start, clock: MonotonicClock(),
                    logger: logger
                )
                try pipeline.start()
                return pipeline
            }
            let pacer = FramePacer(
                maxFPS: configuration.maxFPS, animationFPS: configuration.animationFPS, keepAliveFPS: configuration.keepAliveFPS
            )
            let view = StreamView(cameraOwner: owner, pipeline: pipeline, pacer: pacer, logger: logger)
            await view.start(source: source)
            let bitrate = BitrateTask(view: view, bounds: bounds, maxFPS: configuration.maxFPS, logger: logger)
            views[key] = ViewEntry(view: view, peers: [:], bitrate: bitrate)
            logger.info("view started", metadata: ["size": "\(width)x\(height)", "encoder": "\(encoder.kind.rawValue)"])
            if recording?.always == true { _ = try? await startRecording(key) }
        }
        let view = views[key]!.view
        let (ice, logger) = (configuration.ice, self.logger)
        let peer = try await GStreamerControl.run { () throws(StreamerError) in
            try WebRTCPeer(view: view.pipeline, ice: ice, logger: logger)
        }
        views[key]!.peers[ObjectIdentifier(peer)] = peer
        views[key]!.bitrate.update(peers: Array(views[key]!.peers.values))
        return Attachment(peer: peer, view: view, key: key)
    }

    /// Removes a peer; the view stops with its last peer.
    package func detach(_ attachment: Attachment) {
        let peer = attachment.peer
        GStreamerControl.async { peer.close() }
        guard var entry = views[attachment.key] else { return }
        entry.peers.removeValue(forKey: ObjectIdentifier(attachment.peer))
        if entry.peers.isEmpty {
            entry.bitrate.stop()
            let (view, recorder) = (entry.view, entry.recording)
            GStreamerControl.async {
                recorder?.stop()
                view.stop()
            }
            views.removeValue(forKey: attachment.key)
            logger.info("view stopped")
        } else {
            entry.bitrate.update(peers: Array(entry.peers.values))
            views[attachment.key] = entry
        }
    }

    /// Views and peers, for `/health`.
    package func summary() -> (views: Int, peers: Int) {
        (views.count, views.values.reduce(0) { $0 + $1.peers.count })
    }

    /// Stops every view (at shutdown).
    package func stopAll() async {
        let entries = Array(views.values)
        views.removeAll()
        for entry in entries { entry.bitrate.stop() }
        _ = try? await GStreamerControl.run {
            for entry in entries {
                for peer in entry.peers.values { peer.close() }
                entry.recording?.stop()
                entry.view.stop()
            }
        }
    }
}
