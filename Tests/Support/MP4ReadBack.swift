import CGStreamer
import Synchronization

/// Decodes an MP4 with GStreamer (filesrc ! \(demuxer) ! h264parse ! avdec_h264 ! fakesink)
/// and counts the decoded frames at the sink, independent of the writer.
package enum MP4ReadBack {
    package struct Result: Sendable {
        package var frames: Int
        package var lastEndSeconds: Double
        package var containerSeconds: Double
    }

    final class Counter: Sendable {
        let state = Mutex((frames: 0, lastEnd: UInt64(0)))
    }

    /// `demuxer`: qtdemux for MP4, matroskademux for Matroska.
    package static func decode(_ path: String, demuxer: String = "qtdemux") throws -> Result {
        var error: UnsafeMutablePointer<GError>?
        let description = "filesrc location=\"\(path)\" ! \(demuxer) ! h264parse ! avdec_h264 ! fakesink name=sink sync=false"
        guard let pipeline = gst_parse_launch(description, &error) else {
            throw ReadBackError("could not build the read-back pipeline")
        }
        if let error { g_error_free(error) }
        defer { gst_object_unref(UnsafeMutableRawPointer(pipeline)) }
        let bin = UnsafeMutableRawPointer(pipeline).assumingMemoryBound(to: GstBin.self)
        guard let sink = gst_bin_get_by_name(bin, "sink") else { throw ReadBackError("no sink") }
        defer { gst_object_unref(UnsafeMutableRawPointer(sink)) }
        guard let pad = gst_element_get_static_pad(sink, "sink") else { throw ReadBackError("no sink pad") }
        defer { gst_object_unref(UnsafeMutableRawPointer(pad)) }
        let counter = Counter()
        let context = Unmanaged.passRetained(counter).toOpaque()
        let probe: @convention(c) (UnsafeMutablePointer<GstPad>?, UnsafeMutablePointer<GstPadProbeInfo>?, gpointer?) -> GstPadProbeReturn = {
            _, info, data in
            guard let info, let data, let buffer = scenecast_probe_buffer(info) else { return GST_PAD_PROBE_OK }
            let end = UInt64(buffer.pointee.pts &+ buffer.pointee.duration)
            Unmanaged<Counter>.fromOpaque(data).takeUnretainedValue().state.withLock {
                $0.frames += 1
                $0.lastEnd = max($0.lastEnd, end)
            }
            return GST_PAD_PROBE_OK
        }
        let release: @convention(c) (gpointer?) -> Void = { data in
            if let data { Unmanaged<Counter>.fromOpaque(data).release() }
        }
        gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, probe, context, release)
        defer { gst_element_set_state(pipeline, GST_STATE_NULL) }
        guard gst_element_set_state(pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE else {
            throw ReadBackError("the read-back pipeline did not start")
        }
        let bus = gst_element_get_bus(pipeline)!
        defer { gst_object_unref(UnsafeMutableRawPointer(bus)) }
        let wanted = GstMessageType(rawValue: GST_MESSAGE_EOS.rawValue | GST_MESSAGE_ERROR.rawValue)
        guard let message = gst_bus_timed_pop_filtered(bus, 60 * scenecast_second(), wanted) else {
            throw ReadBackError("the read-back pipeline did not finish within 60 s")
        }
        defer { gst_message_unref(message) }
        guard scenecast_message_type(message) == GST_MESSAGE_EOS else { throw ReadBackError("the MP4 did not decode") }
        var duration: gint64 = 0
        _ = gst_element_query_duration(pipeline, GST_FORMAT_TIME, &duration)
        let (frames, lastEnd) = counter.state.withLock { ($0.frames, $0.lastEnd) }
        return Result(frames: frames, lastEndSeconds: Double(lastEnd) / 1e9, containerSeconds: Double(duration) / 1e9)
    }

    package struct ReadBackError: Error, CustomStringConvertible {
        package let description: String
        package init(_ description: String) { self.description = description }
    }
}
