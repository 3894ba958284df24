import CGStreamer
package import Streamer
import Synchronization

/// The C callbacks' view of a receiver (weak, so callbacks never keep it alive).
final class ReceiverCallbacks: @unchecked Sendable {
    // @unchecked: set once; the reference is weak.
    weak var receiver: FrameCountingReceiver?
    let label: DataChannelLabel?
    init(_ receiver: FrameCountingReceiver, label: DataChannelLabel? = nil) {
        self.receiver = receiver
        self.label = label
    }
}

extension FrameCountingReceiver {
    func connectSignals() {
        let candidate: @convention(c) (gpointer?, guint, UnsafeMutablePointer<gchar>?, gpointer?) -> Void = { _, mline, text, data in
            guard let text, let receiver = callbackContext(data, as: ReceiverCallbacks.self)?.receiver else { return }
            receiver.continuation.yield(.candidate(mline: Int(mline), candidate: String(cString: text)))
        }
        let padAdded: @convention(c) (gpointer?, UnsafeMutablePointer<GstPad>?, gpointer?) -> Void = { _, pad, data in
            guard let pad, gst_pad_get_direction(pad) == GST_PAD_SRC,
                let receiver = callbackContext(data, as: ReceiverCallbacks.self)?.receiver
            else { return }
            receiver.attachDepayloader(to: pad)
        }
        let dataChannel: @convention(c) (gpointer?, OpaquePointer?, gpointer?) -> Void = { _, channel, data in
            guard let channel, let receiver = callbackContext(data, as: ReceiverCallbacks.self)?.receiver,
                let raw = scenecast_get_string(UnsafeMutableRawPointer(channel), "label")
            else { return }
            let name = String(cString: raw)
            g_free(raw)
            guard let label = DataChannelLabel(rawValue: name) else { return }
            g_object_ref(UnsafeMutableRawPointer(channel))
            let ref = DataChannelRef(adopting: channel, label: label)
            receiver.channels.withLock { $0[label] = ref }
            let text: @convention(c) (gpointer?, UnsafeMutablePointer<gchar>?, gpointer?) -> Void = { _, string, data in
                guard let string, let callbacks = callbackContext(data, as: ReceiverCallbacks.self), let label = callbacks.label else { return }
                callbacks.receiver?.continuation.yield(.message(label, String(cString: string)))
            }
            connectSignal(UnsafeMutableRawPointer(channel), "on-message-string", unsafeBitCast(text, to: GCallback.self),
                          context: ReceiverCallbacks(receiver, label: label))
            receiver.continuation.yield(.channelOpen(label))
        }
        connectSignal(webrtc.raw, "on-ice-candidate", unsafeBitCast(candidate, to: GCallback.self), context: ReceiverCallbacks(self))
        connectSignal(webrtc.raw, "pad-added", unsafeBitCast(padAdded, to: GCallback.self), context: ReceiverCallbacks(self))
        connectSignal(webrtc.raw, "on-data-channel", unsafeBitCast(dataChannel, to: GCallback.self), context: ReceiverCallbacks(self))
    }

    /// Links webrtcbin's new RTP pad to a depayloader (and a decoder in `decode` mode),
    /// ending in a fakesink whose pad counts frames.
    func attachDepayloader(to pad: UnsafeMutablePointer<GstPad>) {
        let codec = Self.codec(of: pad)
        self.codec.withLock { $0 = codec }
        let factories = mode == .decode ? [codec.depayloader] + codec.decoder + ["fakesink"] : [codec.depayloader, "fakesink"]
        guard let elements = try? factories.map({ factory throws(StreamerError) in try GStreamer.make(factory) }) else {
            continuation.yield(.failed("the receiver's decoder elements are missing"))
            return
        }
        // Like a browser: ask the sender for a keyframe (an RTCP PLI) whenever the picture
        // cannot be decoded, including before the first keyframe.
        elements[0].set("request-keyframe", true)
        elements[0].set("wait-for-keyframe", true)
        if mode == .decode, let decoder = elements.dropLast().last, decoder.has("automatic-request-sync-points") {
            decoder.set("automatic-request-sync-points", true)
            decoder.set("discard-corrupted-frames", true)
            decoder.set("min-force-key-unit-interval", uint64: 500_000_000)
        }
        let bin = UnsafeMutableRawPointer(pipeline.pointer).assumingMemoryBound(to: GstBin.self)
        elements.last!.set("sync", false)
        elements.last!.set("async", false)
        for element in elements { gst_bin_add(bin, element.pointer) }
        for (a, b) in zip(elements, elements.dropFirst()) { _ = gst_element_link(a.pointer, b.pointer) }
        for element in elements { element.syncStateWithParent() }
        guard let sink = elements.first!.staticPad("sink"), let counted = elements.last!.staticPad("sink") else { return }
        if gst_pad_link(pad, sink.pointer) != GST_PAD_LINK_OK {
            continuation.yield(.failed("the receiver could not link the video pad"))
            return
        }
        branch.withLock { $0 = elements }
        let probe: @convention(c) (UnsafeMutablePointer<GstPad>?, UnsafeMutablePointer<GstPadProbeInfo>?, gpointer?) -> GstPadProbeReturn = {
            pad, info, data in
            guard let receiver = callbackContext(data, as: ReceiverCallbacks.self)?.receiver else { return GST_PAD_PROBE_OK }
            receiver.frames.wrappingAdd(1, ordering: .relaxed)
            guard receiver.mode == .decode, let pad, let info, let buffer = scenecast_probe_buffer(info),
                let caps = gst_pad_get_current_caps(pad)
            else { return GST_PAD_PROBE_OK }
            defer { gst_caps_unref(caps) }
            var video = GstVideoInfo()
            guard gst_video_info_from_caps(&video, caps) != 0 else { return GST_PAD_PROBE_OK }
            receiver.size.withLock { $0 = (Int(video.width), Int(video.height)) }
            var map = GstMapInfo()
            guard gst_buffer_map(buffer, &map, GST_MAP_READ) != 0 else { return GST_PAD_PROBE_OK }
            defer { gst_buffer_unmap(buffer, &map) }
            // The probe marker: a 32x32 square at the top left, black on the left half and
            // white on the right while shown; sample the middle of each half.
            let row = 16 * Int(video.stride.0)
            if Int(map.size) > row + 24, let bytes = map.data {
                receiver.recordMarker(left: bytes[row + 8], right: bytes[row + 24])
            }
            return GST_PAD_PROBE_OK
        }
        let context = Unmanaged.passRetained(ReceiverCallbacks(self) as AnyObject).toOpaque()
        let release: @convention(c) (gpointer?) -> Void = { data in
            if let data { Unmanaged<AnyObject>.fromOpaque(data).release() }
        }
        _ = gst_pad_add_probe(counted.pointer, GST_PAD_PROBE_TYPE_BUFFER, probe, context, release)
    }

    /// The codec webrtcbin's new RTP pad carries (its caps' encoding name); H.264 when unsaid.
    static func codec(of pad: UnsafeMutablePointer<GstPad>) -> VideoCodec {
        guard let caps = gst_pad_get_current_caps(pad) ?? gst_pad_query_caps(pad, nil) else { return .h264 }
        defer { gst_caps_unref(caps) }
        guard let structure = gst_caps_get_structure(caps, 0), let name = gst_structure_get_string(structure, "encoding-name") else {
            return .h264
        }
        return VideoCodec(rawValue: String(cString: name).uppercased()) ?? .h264
    }
}
