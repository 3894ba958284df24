import CGStreamer
import Synchronization
@testable import Streamer

/// Counts the encoder's output access units, noting which are keyframes.
final class KeyframeCounter: Sendable {
    let keyframes = Mutex<[Int]>([])
    let total = Atomic<Int>(0)

    func attach(to view: ViewPipeline) throws {
        let encoder = view.encoder
        guard let pad = encoder.staticPad("src") else { throw StreamerError(.pipeline, "no encoder pad") }
        let probe: @convention(c) (UnsafeMutablePointer<GstPad>?, UnsafeMutablePointer<GstPadProbeInfo>?, gpointer?) -> GstPadProbeReturn = {
            _, info, data in
            guard let info, let buffer = scenecast_probe_buffer(info), let data else { return GST_PAD_PROBE_OK }
            let counter = Unmanaged<KeyframeCounter>.fromOpaque(data).takeUnretainedValue()
            let n = counter.total.wrappingAdd(1, ordering: .relaxed).oldValue
            if scenecast_buffer_is_delta(buffer) == 0 { counter.keyframes.withLock { $0.append(n) } }
            return GST_PAD_PROBE_OK
        }
        _ = gst_pad_add_probe(pad.pointer, GST_PAD_PROBE_TYPE_BUFFER, probe, Unmanaged.passUnretained(self).toOpaque(), nil)
    }
}
