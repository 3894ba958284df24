import CGStreamer
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

        // The queue overflowed: skip to the next keyframe and ask for one.
        let overrun: @convention(c) (UnsafeMutablePointer<GstElement>?, gpointer?) -> Void = { _, data in
            guard let peer = callbackContext(data, as: PeerCallbacks.self)?.peer else { return }
            if !peer.skipping.exchange(true, ordering: .acquiringAndReleasing) {
                peer.view.requestKeyframe()
            }
        }
        connectSignal(queue.raw, "overrun", unsafeBitCast(overrun, to: GCallback.self), context: PeerCallbacks(self))
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

    /// After an overflow, drops delta packets until a keyframe's arrive.
    func installSkipProbe(on pad: GstPadRef) {
        let probe: @convention(c) (UnsafeMutablePointer<GstPad>?, UnsafeMutablePointer<GstPadProbeInfo>?, gpointer?) -> GstPadProbeReturn = {
            _, info, data in
            guard let info, let buffer = scenecast_probe_buffer(info),
                let peer = callbackContext(data, as: PeerCallbacks.self)?.peer,
                peer.skipping.load(ordering: .acquiring)
            else { return GST_PAD_PROBE_OK }
            if scenecast_buffer_is_delta(buffer) != 0 { return GST_PAD_PROBE_DROP }
            peer.skipping.store(false, ordering: .releasing)
            return GST_PAD_PROBE_OK
        }
        let context = Unmanaged.passRetained(PeerCallbacks(self) as AnyObject).toOpaque()
        let release: @convention(c) (gpointer?) -> Void = { data in
            if let data { Unmanaged<AnyObject>.fromOpaque(data).release() }
        }
        _ = gst_pad_add_probe(pad.pointer, GST_PAD_PROBE_TYPE_BUFFER, probe, context, release)
    }
}
