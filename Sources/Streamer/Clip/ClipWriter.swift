import CGStreamer
import Dispatch
package import Logging
package import Renderer

/// Writes I420 frames into an H.264 MP4 file:
///
/// `appsrc` (I420, not live, blocking, each buffer with an explicit PTS and duration) →
/// encoder (`EncoderChoice`) → `h264parse` → `mp4mux` → `filesink`.
///
/// Every GStreamer call, the blocking push and the wait for end-of-stream included, runs on
/// the writer's own serial dispatch queue, never on the cooperative pool. `finish()` sends
/// EOS and returns once the muxer has written the file (EOS on the bus) or an error came.
package final class ClipWriter: @unchecked Sendable {
    // @unchecked: the element references and `bus` never change after init; every call
    // that uses them after init runs on `queue`, one at a time; `finished` is only touched
    // there too.
    package let path: String
    package let width: Int
    package let height: Int
    package let fps: Int
    package let encoderChoice: EncoderChoice
    private let pipeline: GstElementRef
    private let appsrc: GstElementRef
    private let bus: UnsafeMutablePointer<GstBus>
    private let layout: ClipFrameLayout
    private let queue = DispatchQueue(label: "scenecast.clip-writer")
    private let logger: Logger
    private var finished = false

    /// Builds the pipeline and starts it; an unwritable `path` fails here.
    package init(path: String, width: Int, height: Int, fps: Int, encoder: EncoderChoice? = nil, logger: Logger) throws(StreamerError) {
        try GStreamer.initialize()
        guard let choice = encoder ?? EncoderChoice.detect() else {
            throw StreamerError(.missingElement, "No H.264 encoder is installed (x264enc, nvh264enc or vah264enc); install gstreamer1.0-plugins-ugly")
        }
        self.path = path
        self.width = width
        self.height = height
        self.fps = fps
        self.encoderChoice = choice
        self.logger = logger
        layout = ClipFrameLayout(width: width, height: height)
        pipeline = GstElementRef(sinking: gst_pipeline_new("clip")!)
        // A full queue blocks the push (on the writer's queue) instead of dropping frames.
        appsrc = try GStreamer.makeSource(
            name: "frames", caps: "video/x-raw,format=I420,width=\(width),height=\(height),framerate=\(fps)/1", live: false, block: true)
        // About 0.1 bit per pixel: sharp edges for a mostly flat scene.
        let kbps = max(500, width * height * fps / 10_000)
        let encoderElement = try choice.make(bitrateKbps: kbps, fps: fps)
        let parser = try GStreamer.make("h264parse", name: "parse")
        let muxer = try GStreamer.make("mp4mux", name: "mux")
        let sink = try GStreamer.make("filesink", name: "file")

        appsrc.set("max-bytes", uint64: UInt64(layout.size * 4))
        sink.set("location", string: path)

        let chain = [appsrc, encoderElement, parser, muxer, sink]
        let bin = UnsafeMutableRawPointer(pipeline.pointer).assumingMemoryBound(to: GstBin.self)
        for element in chain { gst_bin_add(bin, element.pointer) }
        for (a, b) in zip(chain, chain.dropFirst()) where gst_element_link(a.pointer, b.pointer) == 0 {
            throw StreamerError(.pipeline, "The clip pipeline could not link its elements (\(choice.kind.rawValue))")
        }
        bus = gst_element_get_bus(pipeline.pointer)!
        if pipeline.setState(GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE {
            let detail = Self.popError(bus).map { ": \($0)" } ?? ""
            pipeline.setState(GST_STATE_NULL)
            throw StreamerError(.pipeline, "The clip pipeline could not start writing \(path)\(detail)")
        }
        logger.debug("clip writer started", metadata: ["path": "\(path)", "encoder": "\(choice.kind.rawValue)", "kbps": "\(kbps)"])
    }

    deinit {
        pipeline.setState(GST_STATE_NULL)
        gst_object_unref(UnsafeMutableRawPointer(bus))
    }

    /// Pushes one I420 frame shown from `ptsNanos` for `durationNanos` of output time.
    package func write(_ frame: Frame, ptsNanos: Int64, durationNanos: Int64) async throws(StreamerError) {
        guard frame.format == .i420, frame.width == width, frame.height == height else {
            throw StreamerError(.pipeline, "A \(frame.width)x\(frame.height) \(frame.format.rawValue) frame does not fit a \(width)x\(height) I420 clip")
        }
        try await onQueue { writer throws(StreamerError) in
            guard !writer.finished else { throw StreamerError(.closed, "The clip \(writer.path) is already finished") }
            let buffer = writer.layout.buffer(from: frame.bytes)
            scenecast_buffer_set_pts(buffer, guint64(ptsNanos), guint64(durationNanos))
            let source = UnsafeMutableRawPointer(writer.appsrc.pointer).assumingMemoryBound(to: GstAppSrc.self)
            let flow = gst_app_src_push_buffer(source, buffer)
            if let error = Self.popError(writer.bus) {
                throw StreamerError(.pipeline, "Writing \(writer.path) failed: \(error)")
            }
            guard flow == GST_FLOW_OK else {
                throw StreamerError(.pipeline, "The clip pipeline refused a frame (flow \(flow.rawValue))")
            }
        }
    }

    /// Ends the stream and waits until the muxer has finished the file.
    package func finish() async throws(StreamerError) {
        try await onQueue { writer throws(StreamerError) in
            guard !writer.finished else { return }
            writer.finished = true
            defer { writer.pipeline.setState(GST_STATE_NULL) }
            let source = UnsafeMutableRawPointer(writer.appsrc.pointer).assumingMemoryBound(to: GstAppSrc.self)
            _ = gst_app_src_end_of_stream(source)
            let wanted = GstMessageType(rawValue: GST_MESSAGE_EOS.rawValue | GST_MESSAGE_ERROR.rawValue)
            guard let message = gst_bus_timed_pop_filtered(writer.bus, scenecast_clock_time_none(), wanted) else {
                throw StreamerError(.pipeline, "The clip pipeline stopped without finishing \(writer.path)")
            }
            defer { gst_message_unref(message) }
            let parsed = BusMessage(message)
            if parsed.kind == .error {
                throw StreamerError(.pipeline, "Finishing \(writer.path) failed: \(parsed.text)")
            }
            writer.logger.debug("clip finished", metadata: ["path": "\(writer.path)"])
        }
    }

    /// Runs `body` on the writer's queue and waits for it without blocking the caller's thread.
    private func onQueue(_ body: @escaping @Sendable (ClipWriter) throws(StreamerError) -> Void) async throws(StreamerError) {
        let result: Result<Void, StreamerError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(StreamerError) {
                    try body(self)
                    continuation.resume(returning: .success(()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        try result.get()
    }

    /// The text of an error message waiting on the bus, if one is.
    private static func popError(_ bus: UnsafeMutablePointer<GstBus>) -> String? {
        guard let message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR) else { return nil }
        defer { gst_message_unref(message) }
        return BusMessage(message).text
    }
}
