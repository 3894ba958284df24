import CGStreamer

/// The playout-delay RTP header extension (`http://www.webrtc.org/experiments/rtp-hdrext/playout-delay`)
/// with a minimum and maximum delay of zero: it tells a WebRTC browser to show each frame
/// as soon as it is decoded, without the smoothing delay it otherwise adds for video
/// (Chromium's default render delay is 10 ms, plus a jitter-buffer target). Remote
/// rendering wants the frame now; a late frame is better than a delayed stream.
///
/// GStreamer 1.22 has no element for it, so the offer names it in the transceiver's codec
/// preferences (`extmap-N`), and a pad probe on the payloader's output writes its three
/// bytes into every RTP packet. A browser that does not answer with it ignores it.
enum PlayoutDelay {
    static let uri = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"
    /// The one-byte header extension id the offer gives it.
    static let id: UInt8 = 1
    /// 12 bits of minimum and 12 of maximum delay, in 10 ms units: both zero.
    static let payload: [UInt8] = [0, 0, 0]

    /// The caps field that makes webrtcbin put `a=extmap:1 <uri>` into the offer.
    static var capsField: String { "extmap-\(id)=(string)\(uri)" }

    /// Adds the extension to every RTP packet leaving `pad` (a payloader's src pad).
    static func install(on pad: UnsafeMutablePointer<GstPad>) {
        let probe: @convention(c) (UnsafeMutablePointer<GstPad>?, UnsafeMutablePointer<GstPadProbeInfo>?, gpointer?) -> GstPadProbeReturn = {
            _, info, _ in
            guard let info else { return GST_PAD_PROBE_OK }
            if let buffer = scenecast_probe_writable_buffer(info) {
                PlayoutDelay.stamp(buffer)
            } else if let list = scenecast_probe_writable_list(info) {
                for index in 0..<gst_buffer_list_length(list) {
                    if let buffer = gst_buffer_list_get_writable(list, index) { PlayoutDelay.stamp(buffer) }
                }
            }
            return GST_PAD_PROBE_OK
        }
        let types = GstPadProbeType(rawValue: GST_PAD_PROBE_TYPE_BUFFER.rawValue | GST_PAD_PROBE_TYPE_BUFFER_LIST.rawValue)
        _ = gst_pad_add_probe(pad, types, probe, nil, nil)
    }

    /// Writes the extension into one RTP packet (mapped read-write).
    static func stamp(_ buffer: UnsafeMutablePointer<GstBuffer>) {
        var rtp = GstRTPBuffer()
        guard gst_rtp_buffer_map(buffer, GstMapFlags(rawValue: GST_MAP_READ.rawValue | GST_MAP_WRITE.rawValue), &rtp) != 0 else { return }
        defer { gst_rtp_buffer_unmap(&rtp) }
        payload.withUnsafeBufferPointer { bytes in
            _ = gst_rtp_buffer_add_extension_onebyte_header(&rtp, PlayoutDelay.id, bytes.baseAddress, guint(bytes.count))
        }
    }
}
