import CGStreamer
import Foundation
import Logging
import Synchronization

/// What the C callbacks reach: the event sink, and the peer weakly.
final class PeerCallbacks: @unchecked Sendable {
    // @unchecked: set once; the continuation is thread-safe; the peer reference is weak.
    let continuation: AsyncStream<PeerEvent>.Continuation
    weak var peer: WebRTCPeer?
    let label: DataChannelLabel?

    init(_ peer: WebRTCPeer, label: DataChannelLabel? = nil) {
        continuation = peer.continuation
        self.peer = peer
        self.label = label
    }
}

extension WebRTCPeer {
    func connectWebRTCSignals() {
        let candidate: @convention(c) (UnsafeMutablePointer<GstElement>?, guint, UnsafeMutablePointer<gchar>?, gpointer?) -> Void = {
            _, mline, text, data in
            guard let text, let callbacks = callbackContext(data, as: PeerCallbacks.self) else { return }
            callbacks.continuation.yield(.candidate(mline: Int(mline), candidate: String(cString: text)))
        }
        connectSignal(webrtc.raw, "on-ice-candidate", unsafeBitCast(candidate, to: GCallback.self), context: PeerCallbacks(self))

        // Connected (ICE and DTLS): the peer's decoder can only start at a keyframe.
        let state: @convention(c) (gpointer?, gpointer?, gpointer?) -> Void = { object, _, data in
            guard let object, let peer = callbackContext(data, as: PeerCallbacks.self)?.peer else { return }
            let value = scenecast_get_enum(object, "connection-state")
            if value == gint(GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED.rawValue) {
                // The first packets after DTLS completes may still be lost; ask again after
                // one and two seconds (coalesced with everyone else's requests).
                peer.logger.debug("peer connected; forcing a keyframe")
                peer.requestKeyframe()
                for delay in [1.0, 2.0] {
                    DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [weak peer] in peer?.requestKeyframe() }
                }
            }
        }
        connectSignal(webrtc.raw, "notify::connection-state", unsafeBitCast(state, to: GCallback.self), context: PeerCallbacks(self))
    }

    func connectChannelSignals(_ channel: DataChannelRef) {
        let raw = UnsafeMutableRawPointer(channel.pointer)
        let context = PeerCallbacks(self, label: channel.label)
        typealias Plain = @convention(c) (gpointer?, gpointer?) -> Void
        let open: Plain = { _, data in
            guard let callbacks = callbackContext(data, as: PeerCallbacks.self), let label = callbacks.label else { return }
            callbacks.continuation.yield(.channelOpen(label))
        }
        let close: Plain = { _, data in
            guard let callbacks = callbackContext(data, as: PeerCallbacks.self), let label = callbacks.label else { return }
            callbacks.continuation.yield(.channelClosed(label))
        }
        let text: @convention(c) (gpointer?, UnsafeMutablePointer<gchar>?, gpointer?) -> Void = { _, string, data in
            guard let string, let callbacks = callbackContext(data, as: PeerCallbacks.self), let label = callbacks.label else { return }
            let length = strlen(string)
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(string).assumingMemoryBound(to: UInt8.self), count: length))
            callbacks.continuation.yield(.message(label, bytes))
        }
        let binary: @convention(c) (gpointer?, OpaquePointer?, gpointer?) -> Void = { _, bytes, data in
            guard let bytes, let callbacks = callbackContext(data, as: PeerCallbacks.self), let label = callbacks.label else { return }
            var size: gsize = 0
            guard let start = g_bytes_get_data(bytes, &size) else { return }
            callbacks.continuation.yield(.message(label, Array(UnsafeRawBufferPointer(start: start, count: Int(size)))))
        }
        connectSignal(raw, "on-open", unsafeBitCast(open, to: GCallback.self), context: context)
        connectSignal(raw, "on-close", unsafeBitCast(close, to: GCallback.self), context: context)
        connectSignal(raw, "on-message-string", unsafeBitCast(text, to: GCallback.self), context: context)
        connectSignal(raw, "on-message-data", unsafeBitCast(binary, to: GCallback.self), context: context)
    }

    /// A PLI or FIR from the browser arrives as an upstream force-key-unit event at the
    /// payloader; it goes to the watched view's encoder (coalesced there), not to `appsrc`.
    func installKeyframeRequestProbe(on pad: GstPadRef) {
        let probe: @convention(c) (UnsafeMutablePointer<GstPad>?, UnsafeMutablePointer<GstPadProbeInfo>?, gpointer?) -> GstPadProbeReturn = {
            _, info, data in
            guard let info, let event = scenecast_probe_event(info), gst_video_event_is_force_key_unit(event) != 0,
                let peer = callbackContext(data, as: PeerCallbacks.self)?.peer
            else { return GST_PAD_PROBE_OK }
            peer.requestKeyframe()
            return GST_PAD_PROBE_DROP
        }
        let context = Unmanaged.passRetained(PeerCallbacks(self) as AnyObject).toOpaque()
        let release: @convention(c) (gpointer?) -> Void = { data in
            if let data { Unmanaged<AnyObject>.fromOpaque(data).release() }
        }
        _ = gst_pad_add_probe(pad.pointer, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, probe, context, release)
    }
}

extension WebRTCPeer: EncodedSubscriber {
    /// One encoded frame of the watched view, on its streaming thread. While skipping
    /// (after a move or an overflow) delta frames are dropped until a keyframe; a peer
    /// whose `appsrc` is over its bound starts skipping and asks for a keyframe. Frames
    /// are stamped with the peer pipeline's running time, so moving between views keeps time
    /// monotonic and nothing in webrtcbin waits for a timestamp ahead of its clock.
    func deliver(_ buffer: UnsafeMutablePointer<GstBuffer>, from view: ViewPipeline) {
        guard current.withLock({ $0 === view }) else { return }
        let source = UnsafeMutableRawPointer(appsrc.pointer).assumingMemoryBound(to: GstAppSrc.self)
        let isDelta = scenecast_buffer_is_delta(buffer) != 0
        let overfull = gst_app_src_get_current_level_bytes(source) > Self.maxQueuedBytes
        if overfull { skipping.store(true, ordering: .releasing) }
        if skipping.load(ordering: .acquiring) {
            // Keep asking while skipping (the view grants one keyframe a second at most):
            // a keyframe that came while the queue was still full was dropped too.
            guard !overfull, !isDelta else {
                view.requestKeyframe()
                return
            }
            skipping.store(false, ordering: .releasing)
        }
        // Stamped with the peer pipeline's running time now: a later stamp would make
        // webrtcbin's sinks hold the packets until then.
        let now = gst_element_get_current_running_time(pipeline.pointer)
        guard now != scenecast_clock_time_none(), let copy = gst_buffer_copy(buffer) else { return }
        scenecast_buffer_set_pts(copy, now, scenecast_clock_time_none())
        _ = gst_app_src_push_buffer(source, copy)
    }
}
