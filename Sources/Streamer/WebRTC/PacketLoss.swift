import CGStreamer
import Synchronization

/// Fault injection for one peer: drops every `n`th RTP packet leaving the payloader, as a
/// lossy network path would. The receiver sees the gaps, its RTCP receiver reports carry
/// the loss back, and the view's bitrate control reacts as it would in the field; the
/// integration tests use it to drive a weak peer onto a lower-rate view.
///
/// `@unchecked Sendable`: its two fields are atomics; GStreamer's streaming thread reads
/// them in the probe while the test thread sets `every`.
final class PacketLoss: @unchecked Sendable {
    /// Drop one packet in this many (0: drop none).
    let every = Atomic<Int>(0)
    private let count = Atomic<Int>(0)

    /// Whether the next packet goes.
    func drops() -> Bool {
        let n = every.load(ordering: .relaxed)
        guard n > 0 else { return false }
        return count.wrappingAdd(1, ordering: .relaxed).newValue % n == 0
    }

    /// Installs the dropping probe on `pad` (a payloader's src pad). The probe holds a
    /// reference, released by GStreamer's destroy-notify when the probe goes with the pad.
    func install(on pad: UnsafeMutablePointer<GstPad>) {
        let probe: @convention(c) (UnsafeMutablePointer<GstPad>?, UnsafeMutablePointer<GstPadProbeInfo>?, gpointer?) -> GstPadProbeReturn = {
            _, info, data in
            guard let info, let data else { return GST_PAD_PROBE_OK }
            let loss = Unmanaged<PacketLoss>.fromOpaque(data).takeUnretainedValue()
            // Off (every peer outside the tests): pass the packets on untouched, without
            // making a buffer list writable.
            guard loss.every.load(ordering: .relaxed) > 0 else { return GST_PAD_PROBE_OK }
            if scenecast_probe_buffer(info) != nil {
                return loss.drops() ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK
            }
            if let list = scenecast_probe_writable_list(info) {
                var index: guint = 0
                while index < gst_buffer_list_length(list) {
                    if loss.drops() { gst_buffer_list_remove(list, index, 1) } else { index += 1 }
                }
                return gst_buffer_list_length(list) == 0 ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK
            }
            return GST_PAD_PROBE_OK
        }
        let release: @convention(c) (gpointer?) -> Void = { data in
            if let data { Unmanaged<PacketLoss>.fromOpaque(data).release() }
        }
        let types = GstPadProbeType(rawValue: GST_PAD_PROBE_TYPE_BUFFER.rawValue | GST_PAD_PROBE_TYPE_BUFFER_LIST.rawValue)
        _ = gst_pad_add_probe(pad, types, probe, Unmanaged.passRetained(self).toOpaque(), release)
    }
}
