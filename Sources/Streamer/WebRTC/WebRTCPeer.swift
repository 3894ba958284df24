import CGStreamer
package import Logging
import Synchronization

/// One viewer's branch of a view pipeline: `tee` → `queue` (bounded, leaky) → `webrtcbin`
/// (max-bundle, video sendonly, data channels `input` and `commands`).
///
/// Everything webrtcbin reports (the offer, local candidates, channel state and
/// messages) comes out of `events` in order. A peer whose queue overflows drops the rest
/// of what it holds, skips ahead to the next keyframe and asks for one; the view and the
/// other peers never wait for it.
package final class WebRTCPeer: @unchecked Sendable {
    // @unchecked: element references and the pad are set once in init; `channels` and
    // `closed` sit behind a Mutex; webrtcbin serializes its own signals.
    package let events: AsyncStream<PeerEvent>
    let continuation: AsyncStream<PeerEvent>.Continuation
    let view: ViewPipeline
    let queue: GstElementRef
    let webrtc: GstElementRef
    let logger: Logger
    private let teePad: GstPadRef
    let channels = Mutex<[DataChannelLabel: DataChannelRef]>([:])
    private let closed = Atomic<Bool>(false)
    /// Set when the queue overflowed: drop delta frames until the next keyframe.
    let skipping = Atomic<Bool>(false)

    package init(view: ViewPipeline, ice: ICEConfiguration, logger: Logger) throws(StreamerError) {
        (events, continuation) = AsyncStream.makeStream(of: PeerEvent.self)
        self.view = view
        self.logger = logger
        queue = try GStreamer.make("queue")
        webrtc = try GStreamer.make("webrtcbin")
        // Bounded by bytes (x264's shifted timestamps make time levels unreliable): about
        // half a second at the top bitrate, the oldest packets dropped first.
        queue.set("max-size-buffers", uint: 0)
        queue.set("max-size-bytes", uint: 512 * 1024)
        queue.set("max-size-time", uint64: 0)
        queue.set("leaky", nick: "downstream")
        guard let teePad = view.tee.requestPad("src_%u") else {
            throw StreamerError(.pipeline, "The view's tee gave no pad for a new peer")
        }
        self.teePad = teePad
        webrtc.set("bundle-policy", nick: "max-bundle")
        if let stun = ice.webrtcSTUN { webrtc.set("stun-server", string: stun) }
        for turn in ice.webrtcTURN { _ = scenecast_emit_add_turn_server(webrtc.pointer, turn) }
        if !ice.localAddresses.isEmpty, let agent = scenecast_get_object(webrtc.raw, "ice-agent") {
            for address in ice.localAddresses where scenecast_emit_add_local_ip_address(agent, address) == 0 {
                logger.warning("ICE agent refused a local address", metadata: ["address": "\(address)"])
            }
            g_object_unref(agent)
        }
        gst_bin_add(view.bin, queue.pointer)
        gst_bin_add(view.bin, webrtc.pointer)
        connectWebRTCSignals()
        webrtc.setState(GST_STATE_READY)
        try createDataChannels()

        guard let sink = webrtc.requestPad("sink_%u") else {
            throw StreamerError(.pipeline, "webrtcbin gave no sink pad")
        }
        configureTransceiver(of: sink)
        guard let queueSink = queue.staticPad("sink"), let queueSource = queue.staticPad("src") else {
            throw StreamerError(.pipeline, "The peer queue could not be linked")
        }
        try queueSource.link(to: sink)
        installSkipProbe(on: queueSource)
        webrtc.syncStateWithParent()
        queue.syncStateWithParent()
        try teePad.link(to: queueSink)
        createOffer()
    }

    deinit { close() }

    /// Applies the client's SDP answer.
    package func applyAnswer(_ sdp: String) throws(StreamerError) {
        var message: UnsafeMutablePointer<GstSDPMessage>?
        guard gst_sdp_message_new_from_text(sdp, &message) == GST_SDP_OK, let message else {
            throw StreamerError(.negotiation, "The answer's SDP could not be parsed")
        }
        guard let description = gst_webrtc_session_description_new(GST_WEBRTC_SDP_TYPE_ANSWER, message) else {
            gst_sdp_message_free(message)
            throw StreamerError(.negotiation, "The answer could not be used")
        }
        let continuation = self.continuation
        let promise = makePromise { reply in
            if let reply, gst_structure_has_field(reply, "error") != 0 {
                continuation.yield(.failed(StreamerError(.negotiation, "webrtcbin refused the answer")))
            }
        }
        scenecast_emit_set_description(webrtc.pointer, "set-remote-description", description, promise)
        gst_promise_unref(promise)
        gst_webrtc_session_description_free(description)
    }

    /// Adds one of the client's ICE candidates (an empty one ends its gathering).
    package func addCandidate(mline: Int, candidate: String) {
        guard !candidate.isEmpty else { return }
        scenecast_emit_add_ice_candidate(webrtc.pointer, guint(mline), candidate)
    }

    /// Sends a text message on a channel; false when it is not open.
    @discardableResult
    package func send(_ text: String, on label: DataChannelLabel) -> Bool {
        guard let channel = channels.withLock({ $0[label] }) else { return false }
        return channel.send(text)
    }

    /// Asks the view for a keyframe (coalesced per view).
    package func requestKeyframe() { view.requestKeyframe() }

    /// Unlinks from the view and stops; safe to call more than once.
    package func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for channel in channels.withLock({ Array($0.values) }) { channel.close() }
        if let queueSink = queue.staticPad("sink") { gst_pad_unlink(teePad.pointer, queueSink.pointer) }
        gst_element_release_request_pad(view.tee.pointer, teePad.pointer)
        queue.setState(GST_STATE_NULL)
        webrtc.setState(GST_STATE_NULL)
        gst_bin_remove(view.bin, webrtc.pointer)
        gst_bin_remove(view.bin, queue.pointer)
        channels.withLock { $0.removeAll() }
        continuation.finish()
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
        if let caps = try? GStreamer.caps(
            "application/x-rtp,media=video,encoding-name=H264,payload=96,clock-rate=90000,packetization-mode=(string)1,profile-level-id=(string)42e033"
        ) {
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
            let local = gst_promise_new()
            scenecast_emit_set_description(webrtc.pointer, "set-local-description", offer, local)
            gst_promise_unref(local)
            guard let text = gst_sdp_message_as_text(offer.pointee.sdp) else { return }
            continuation.yield(.offer(sdp: String(cString: text)))
            g_free(text)
        }
        scenecast_emit_create_offer(webrtc.pointer, promise)
        gst_promise_unref(promise)
    }
}
