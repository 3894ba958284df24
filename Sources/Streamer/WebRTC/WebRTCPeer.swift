import CGStreamer
package import Logging
import Synchronization

/// One viewer's send pipeline: `appsrc` (the encoded frames of the view it watches) →
/// RTP payloader (`rtph264pay` zero-latency, SPS/PPS with every keyframe, MTU 1200; or
/// `rtpvp8pay`) → `webrtcbin` (max-bundle, video sendonly, data channels `input` and
/// `commands`).
///
/// The peer subscribes to a `ViewPipeline`'s encoded frames and can move to another view
/// of the same codec (`watch(_:)`): the RTP stream goes on with the same SSRC and
/// sequence, starting again at the new view's next keyframe, so the browser sees at most
/// a change of resolution, never a renegotiation.
///
/// Everything webrtcbin reports (the offer, local candidates, channel state and
/// messages) comes out of `events` in order. A peer whose `appsrc` holds more than its
/// bound drops frames until the next keyframe and asks for one; the view and the other
/// peers never wait for it.
package final class WebRTCPeer: @unchecked Sendable {
    // @unchecked: element references are set once in init; the watched view, `channels`
    // sit behind Mutexes; flags are atomics; webrtcbin serializes its signals.
    package let events: AsyncStream<PeerEvent>
    let continuation: AsyncStream<PeerEvent>.Continuation
    package let codec: VideoCodec
    let pipeline: GstElementRef
    let appsrc: GstElementRef
    let webrtc: GstElementRef
    let logger: Logger
    let channels = Mutex<[DataChannelLabel: DataChannelRef]>([:])
    let current: Mutex<ViewPipeline?>
    private var busWatch: BusWatch?
    private let closed = Atomic<Bool>(false)
    /// Set after an overflow or a move: drop delta frames until the next keyframe.
    let skipping = Atomic<Bool>(true)
    /// Simulated packet loss on the way out (tests; off unless `simulateLoss` is called).
    let loss = PacketLoss()
    /// The most bytes waiting in `appsrc` before the peer skips to the next keyframe:
    /// about half a second at the top bitrate.
    static let maxQueuedBytes: UInt64 = 512 * 1024

    package init(view: ViewPipeline, ice: ICEConfiguration, logger: Logger) throws(StreamerError) {
        (events, continuation) = AsyncStream.makeStream(of: PeerEvent.self)
        codec = view.codec
        current = Mutex(view)
        self.logger = logger
        pipeline = GstElementRef(sinking: gst_pipeline_new("peer")!)
        appsrc = try GStreamer.makeSource(name: "encoded", caps: codec.encodedCaps, live: true, block: false)
        let payloader = try GStreamer.make(codec.payloader, name: "pay")
        webrtc = try GStreamer.make("webrtcbin", name: "webrtc")
        appsrc.set("max-bytes", uint64: Self.maxQueuedBytes * 2)
        if codec == .h264 {
            payloader.set("aggregate-mode", nick: "zero-latency")
            payloader.set("config-interval", -1)
        }
        payloader.set("mtu", uint: 1200)
        payloader.set("pt", uint: UInt(codec.payloadType))
        webrtc.set("bundle-policy", nick: "max-bundle")
        if let stun = ice.webrtcSTUN { webrtc.set("stun-server", string: stun) }
        for turn in ice.webrtcTURN { _ = scenecast_emit_add_turn_server(webrtc.pointer, turn) }
        for address in webrtc.configureICEAgent(localAddresses: ice.localAddresses) {
            logger.warning("ICE agent refused a local address", metadata: ["address": "\(address)"])
        }
        let bin = UnsafeMutableRawPointer(pipeline.pointer).assumingMemoryBound(to: GstBin.self)
        for element in [appsrc, payloader, webrtc] { gst_bin_add(bin, element.pointer) }
        guard gst_element_link(appsrc.pointer, payloader.pointer) != 0 else {
            throw StreamerError(.pipeline, "The peer's payloader could not be linked (\(codec.rawValue))")
        }
        connectWebRTCSignals()
        webrtc.setState(GST_STATE_READY)
        try createDataChannels()

        guard let sink = webrtc.requestPad("sink_%u") else {
            throw StreamerError(.pipeline, "webrtcbin gave no sink pad")
        }
        configureTransceiver(of: sink)
        guard let payloaded = payloader.staticPad("src"), let payloaderSink = payloader.staticPad("sink") else {
            throw StreamerError(.pipeline, "The peer's payloader has no pads")
        }
        try payloaded.link(to: sink)
        PlayoutDelay.install(on: payloaded.pointer)
        loss.install(on: payloaded.pointer)
        installKeyframeRequestProbe(on: payloaderSink)
        try start()
        view.subscribe(self)
        createOffer()
    }

    deinit { close() }

    /// Applies the client's SDP answer.
    package func applyAnswer(_ sdp: String) throws(StreamerError) {
        let continuation = self.continuation
        try webrtc.setRemoteDescription(GST_WEBRTC_SDP_TYPE_ANSWER, sdp: sdp) { reply in
            if let reply, gst_structure_has_field(reply, "error") != 0 {
                continuation.yield(.failed(StreamerError(.negotiation, "webrtcbin refused the answer")))
            }
        }
    }

    /// Adds one of the client's ICE candidates (an empty one ends its gathering).
    package func addCandidate(mline: Int, candidate: String) {
        webrtc.addICECandidate(mline: mline, candidate: candidate)
    }

    /// Sends a text message on a channel; false when it is not open.
    @discardableResult
    package func send(_ text: String, on label: DataChannelLabel) -> Bool {
        guard let channel = channels.withLock({ $0[label] }) else { return false }
        return channel.send(text)
    }

    /// The view this peer watches now.
    package var view: ViewPipeline? { current.withLock { $0 } }

    /// Drops one outgoing RTP packet in `n` (0 stops), as a lossy path to this peer would:
    /// fault injection for tests of the bitrate control.
    package func simulateLoss(oneIn n: Int) {
        loss.every.store(max(0, n), ordering: .relaxed)
    }

    /// Asks the watched view for a keyframe (coalesced per view).
    package func requestKeyframe() { view?.requestKeyframe() }

    /// Moves the peer to `view` (same codec): frames of the old view stop, and the new
    /// view's start at its next keyframe, which is asked for.
    package func watch(_ view: ViewPipeline) {
        precondition(view.codec == codec, "a peer can only move between views of its codec")
        let old = current.withLock { current in defer { current = view }; return current }
        guard old !== view else { return }
        old?.unsubscribe(self)
        skipping.store(true, ordering: .releasing)
        view.subscribe(self)
    }

    /// Unlinks from the view and stops; safe to call more than once.
    package func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        current.withLock { view in view?.unsubscribe(self); view = nil }
        for channel in channels.withLock({ Array($0.values) }) { channel.close() }
        pipeline.setState(GST_STATE_NULL)
        busWatch = nil
        channels.withLock { $0.removeAll() }
        continuation.finish()
    }

    private func start() throws(StreamerError) {
        let (logger, pipeline) = (self.logger, self.pipeline)
        busWatch = GLibLoop.shared.watch(pipeline) { message in
            switch message.kind {
            case .latency:
                _ = gst_bin_recalculate_latency(UnsafeMutableRawPointer(pipeline.pointer).assumingMemoryBound(to: GstBin.self))
            case .error where message.isPeerScoped:
                // The peer closed a data channel or its transport failed; `close` follows.
                logger.debug("peer element error", metadata: ["source": "\(message.source)", "error": "\(message.text)"])
            case .error:
                logger.warning("peer pipeline error", metadata: ["source": "\(message.source)", "error": "\(message.text)"])
            case .warning, .eos, .other:
                break
            }
        }
        guard pipeline.setState(GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE else {
            throw StreamerError(.pipeline, "The peer's pipeline could not start")
        }
    }

    private func createDataChannels() throws(StreamerError) {
        let specs: [(DataChannelLabel, String)] = [
            (.input, "options, ordered=(boolean)false, max-retransmits=(int)0"),
            (.commands, "options, ordered=(boolean)true"),
        ]
        for (label, options) in specs {
            let structure = gst_structure_from_string(options, nil)
            defer { if let structure { gst_structure_free(structure) } }
            guard let channel = scenecast_emit_create_data_channel(webrtc.pointer, label.rawValue, structure) else {
                throw StreamerError(.pipeline, "webrtcbin could not create the \(label.rawValue) data channel")
            }
            let ref = DataChannelRef(adopting: channel, label: label)
            connectChannelSignals(ref)
            channels.withLock { $0[label] = ref }
        }
    }

    private func configureTransceiver(of sink: GstPadRef) {
        guard let transceiver = scenecast_get_object(UnsafeMutableRawPointer(sink.pointer), "transceiver") else { return }
        defer { g_object_unref(transceiver) }
        scenecast_set_from_string(transceiver, "direction", "sendonly")
        if let caps = try? GStreamer.caps("\(codec.rtpCaps),\(PlayoutDelay.capsField)") {
            scenecast_set_pointer(transceiver, "codec-preferences", UnsafeMutableRawPointer(caps))
            gst_caps_unref(caps)
        }
    }

    private func createOffer() {
        let webrtc = self.webrtc
        let continuation = self.continuation
        let promise = makePromise { reply in
            guard let reply, let value = gst_structure_get_value(reply, "offer"),
                let boxed = g_value_get_boxed(value)
            else {
                continuation.yield(.failed(StreamerError(.negotiation, "webrtcbin could not create an offer")))
                return
            }
            let offer = boxed.assumingMemoryBound(to: GstWebRTCSessionDescription.self)
            guard let text = webrtc.setLocalDescription(offer) else { return }
            continuation.yield(.offer(sdp: text))
        }
        scenecast_emit_create_offer(webrtc.pointer, promise)
        gst_promise_unref(promise)
    }
}
