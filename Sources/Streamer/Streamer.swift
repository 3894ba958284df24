package import CommandBus
package import Foundation
package import Logging
package import SceneLedger

/// The registry of views and their peers for `scenecast serve`.
///
/// - A driver's peer always gets a view of its own (its camera, its encoder).
/// - An observer's peer follows the scene's current driver and shares that view, so one
///   render and one encode feed every follower; with no driver in the scene, or once the
///   observer detaches its camera (`follow(_:_:)`), it gets a view of its own.
/// - On a shared view, a peer whose bandwidth stays below the view's floor is moved to a
///   lower-rate view of the same camera (`SharedViewRate`), and back once it recovers.
/// - Views are per codec: a browser without H.264 gets VP8 views.
///
/// Peers move between views without renegotiation (`WebRTCPeer.watch`). A view keeps the
/// size of the peer that created it and stops when its last peer leaves.
package actor Streamer {
    package nonisolated let configuration: StreamerConfiguration
    let logger: Logger
    var views: [ViewKey: ViewEntry] = [:]
    /// Where each peer is now.
    private(set) var placement: [ObjectIdentifier: Placement] = [:]
    /// Per live scene with peers: the task that moves followers when the driver changes.
    var driverWatches: [UUID: DriverWatch] = [:]
    /// Where and how views are recorded; nil: recording is off.
    package nonisolated let recording: RecordingSettings?

    struct ViewKey: Hashable {
        var scene: UUID
        var cameraOwner: UUID
        var codec: VideoCodec
        /// A lower-rate copy of a shared view, for peers with too little bandwidth for it.
        var lowRate = false

        /// The view's id in `/api/views`: the camera owner, marked for VP8 and lower-rate views.
        var id: String {
            cameraOwner.uuidString.lowercased() + (codec == .vp8 ? "-vp8" : "") + (lowRate ? "-low" : "")
        }
    }

    struct ViewEntry {
        var view: StreamView
        var source: any ViewSource
        var peers: [ObjectIdentifier: WebRTCPeer]
        var bitrate: BitrateTask
        var recording: RecordingBranch?
    }

    struct Placement {
        var key: ViewKey
        var participant: UUID
        var size: (width: Int, height: Int)
        /// An observer following the scene's driver: it moves when the driver changes.
        var follows = false
    }

    /// One peer; hand it back to `detach`.
    package struct Attachment: Sendable {
        package let peer: WebRTCPeer
    }

    package init(configuration: StreamerConfiguration, recording: RecordingSettings? = nil, logger: Logger) {
        self.configuration = configuration
        self.recording = recording
        self.logger = logger
    }

    /// The encoder in use, for `/health` ("none" when there is no H.264 encoder).
    package nonisolated var encoderName: String { configuration.encoder?.kind.rawValue ?? "none" }

    /// Adds a peer for `participant` in `codec` and starts its offer. An observer follows
    /// the scene's driver unless `follow` is false.
    package func attach(
        host: SceneHost, participant: UUID, role: Role, codec: VideoCodec = .h264, follow: Bool = true, width: Int, height: Int
    ) async throws(StreamerError) -> Attachment {
        let owner = await cameraOwner(host: host, participant: participant, role: role, follow: follow)
        let key = ViewKey(scene: await host.sceneID, cameraOwner: owner, codec: codec)
        let attachment = try await attach(key: key, participant: participant, source: host, width: width, height: height)
        let follows = role == .observer && follow
        placement[ObjectIdentifier(attachment.peer)]?.follows = follows
        watchDriver(of: host, scene: key.scene)
        // A new driver's view has just started: followers waiting for it move now.
        if !follows { await refollow(host: host, scene: key.scene, startViews: false) }
        return attachment
    }

    /// Adds a peer on a view of its own, drawn from `source` (a replay) through the camera
    /// of `cameraOwner`; nothing is shared with live views or other replays.
    package func attach(
        source: some ViewSource, cameraOwner: UUID, codec: VideoCodec = .h264, width: Int, height: Int
    ) async throws(StreamerError) -> Attachment {
        let key = ViewKey(scene: UUID(), cameraOwner: cameraOwner, codec: codec)
        return try await attach(key: key, participant: cameraOwner, source: source, width: width, height: height)
    }

    /// Makes an observer's peer follow the driver (`follow`) or watch its own camera. A
    /// driver, or an observer in a scene without a driver, always watches its own camera.
    /// Returns the participant whose camera the peer now shows.
    @discardableResult
    package func follow(_ attachment: Attachment, host: SceneHost, role: Role, follow: Bool) async throws(StreamerError) -> UUID {
        let id = ObjectIdentifier(attachment.peer)
        guard let place = placement[id], let entry = views[place.key] else {
            throw StreamerError(.pipeline, "This video session has ended")
        }
        let owner = await cameraOwner(host: host, participant: place.participant, role: role, follow: follow)
        var key = place.key
        key.cameraOwner = owner
        key.lowRate = false
        placement[id]?.follows = role == .observer && follow
        try await move(attachment.peer, to: key, source: entry.source)
        return owner
    }

    /// Removes a peer; a view stops with its last peer.
    package func detach(_ attachment: Attachment) {
        let peer = attachment.peer
        GStreamerControl.async { peer.close() }
        guard let place = placement.removeValue(forKey: ObjectIdentifier(peer)) else { return }
        remove(peer, from: place.key)
        if !placement.values.contains(where: { $0.key.scene == place.key.scene }) {
            driverWatches.removeValue(forKey: place.key.scene)?.task.cancel()
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
        placement.removeAll()
        for watch in driverWatches.values { watch.task.cancel() }
        driverWatches.removeAll()
        for entry in entries { entry.bitrate.stop() }
        _ = try? await GStreamerControl.run {
            for entry in entries {
                for peer in entry.peers.values { peer.close() }
                entry.recording?.stop()
                entry.view.stop()
            }
        }
    }

    private func cameraOwner(host: SceneHost, participant: UUID, role: Role, follow: Bool) async -> UUID {
        guard role == .observer, follow else { return participant }
        return Self.followedCamera(in: await host.liveState, participant: participant)
    }

    /// Whose camera a following observer shows: the scene's driver's, or its own when the
    /// scene has no driver (or the observer has become it).
    static func followedCamera(in state: SceneState, participant: UUID) -> UUID {
        state.driver.map { $0.id == participant ? participant : $0.id } ?? participant
    }

    private func attach(key: ViewKey, participant: UUID, source: any ViewSource, width: Int, height: Int) async throws(StreamerError)
        -> Attachment
    {
        let view = try await view(for: key, source: source, width: width, height: height)
        let (ice, logger) = (configuration.ice, self.logger)
        let peer = try await GStreamerControl.run { () throws(StreamerError) in
            try WebRTCPeer(view: view.pipeline, ice: ice, logger: logger)
        }
        placement[ObjectIdentifier(peer)] = Placement(key: key, participant: participant, size: (width, height))
        add(peer, to: key)
        return Attachment(peer: peer)
    }

    /// Moves a peer to the view `key` (started if needed, at the peer's size).
    func move(_ peer: WebRTCPeer, to key: ViewKey, source: any ViewSource) async throws(StreamerError) {
        let id = ObjectIdentifier(peer)
        guard let place = placement[id], place.key != key else { return }
        let view = try await view(for: key, source: source, width: place.size.width, height: place.size.height)
        // The peer may have left, or moved, while the view started.
        guard let now = placement[id], now.key != key else {
            if views[key]?.peers.isEmpty == true { remove(peer, from: key) }  // stops the unused view
            return
        }
        peer.watch(view.pipeline)
        placement[id]?.key = key
        add(peer, to: key)
        remove(peer, from: now.key)
        logger.info("peer moved", metadata: ["camera": "\(key.cameraOwner)", "lowRate": "\(key.lowRate)"])
    }

    /// The bitrate task's verdict on a peer of a shared view.
    func rateMove(_ peer: WebRTCPeer, _ move: BitrateTask.Move) async {
        guard let place = placement[ObjectIdentifier(peer)], let entry = views[place.key] else { return }
        var key = place.key
        key.lowRate = move == .split
        do {
            try await self.move(peer, to: key, source: entry.source)
        } catch {
            logger.warning("moving a peer for its bandwidth failed", metadata: ["error": "\(error)"])
        }
    }

    private func add(_ peer: WebRTCPeer, to key: ViewKey) {
        views[key]?.peers[ObjectIdentifier(peer)] = peer
        if let entry = views[key] { entry.bitrate.update(peers: Array(entry.peers.values)) }
    }

    private func remove(_ peer: WebRTCPeer, from key: ViewKey) {
        guard var entry = views[key] else { return }
        entry.peers.removeValue(forKey: ObjectIdentifier(peer))
        guard entry.peers.isEmpty else {
            entry.bitrate.update(peers: Array(entry.peers.values))
            views[key] = entry
            return
        }
        entry.bitrate.stop()
        let (view, recorder) = (entry.view, entry.recording)
        GStreamerControl.async {
            recorder?.stop()
            view.stop()
        }
        views.removeValue(forKey: key)
        logger.info("view stopped", metadata: ["camera": "\(key.cameraOwner)"])
    }

    /// The view `key`, started (at this size) when it does not exist yet.
    private func view(for key: ViewKey, source: any ViewSource, width: Int, height: Int) async throws(StreamerError) -> StreamView {
        if let entry = views[key] { return entry.view }
        guard let encoder = configuration.encoder(for: key.codec) else {
            throw StreamerError(.missingElement, "No \(key.codec.rawValue) encoder is installed (x264enc, nvh264enc, vah264enc or vp8enc)")
        }
        let full = configuration.bitrateBounds(width: width, height: height)
        let floor = SharedViewRate<ObjectIdentifier>.defaultFloor(full)
        let bounds = key.lowRate ? max(100, full.lowerBound / 4)...floor : full
        let start = key.lowRate ? floor : (bounds.lowerBound + bounds.upperBound) / 2
        let (fps, logger) = (key.lowRate ? min(30, configuration.maxFPS) : configuration.maxFPS, self.logger)
        let pipeline = try await GStreamerControl.run { () throws(StreamerError) in
            let pipeline = try ViewPipeline(
                width: width, height: height, fps: fps, encoder: encoder, bitrateKbps: start, clock: MonotonicClock(), logger: logger
            )
            try pipeline.start()
            return pipeline
        }
        if let entry = views[key] {
            // Another call started it meanwhile: use that one.
            GStreamerControl.async { pipeline.stop() }
            return entry.view
        }
        let pacer = FramePacer(maxFPS: fps, animationFPS: configuration.animationFPS, keepAliveFPS: configuration.keepAliveFPS)
        let view = StreamView(cameraOwner: key.cameraOwner, pipeline: pipeline, pacer: pacer, models: configuration.models, logger: logger)
        await view.start(source: source)
        let policy = SharedViewRate<ObjectIdentifier>(
            bounds: bounds, floorKbps: key.lowRate ? bounds.lowerBound : floor, maxFPS: fps, canSplit: !key.lowRate, startKbps: start
        )
        let bitrate = BitrateTask(view: view, policy: policy, logger: logger) { [weak self] peer, move in
            await self?.rateMove(peer, move)
        }
        views[key] = ViewEntry(view: view, source: source, peers: [:], bitrate: bitrate)
        logger.info(
            "view started",
            metadata: ["size": "\(width)x\(height)", "encoder": "\(encoder.kind.rawValue)", "lowRate": "\(key.lowRate)"])
        if recording?.always == true && !key.lowRate && key.codec == .h264 { _ = try? await startRecording(key) }
        return view
    }
}
