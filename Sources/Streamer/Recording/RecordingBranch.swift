import CGStreamer
import Foundation
package import Logging
import SceneLedger
import Synchronization

/// What a recording reports, on its bus thread.
package enum RecordingEvent: Sendable {
    /// splitmuxsink closed a segment file (it is complete and playable).
    case segmentClosed(path: String, startedAtMicros: Int64, endedAtMicros: Int64)
    /// A write error stopped the recording; `path` is the segment being written, if any.
    case failed(path: String, startedAtMicros: Int64, endedAtMicros: Int64, message: String)
}

/// The container of recorded segments.
package enum RecordingFormat: String, Sendable, CaseIterable {
    case mp4, mkv
    var muxer: String { self == .mp4 ? "mp4mux" : "matroskamux" }
    package var contentType: String { self == .mp4 ? "video/mp4" : "video/x-matroska" }
}

/// Records one view's encoded H.264 without encoding again: a buffer probe on the view's
/// encoder output (after the profile capsfilter, before the payloader) hands each access
/// unit (a shallow copy sharing the encoder's memory) to a pipeline of the recording's own:
///
/// `appsrc` (leaky, bounded) → `queue` (leaky, bounded) → `h264parse` → `splitmuxsink`
/// (`mp4mux` or `matroskamux`, one file per `segmentSeconds`).
///
/// The recording's pipeline has its own bus, read by a thread of its own: a filesink error
/// (disk full, unwritable directory) stops only the recording, never the view.
/// Recording starts on a keyframe, asked for through the view's keyframe path.
package final class RecordingBranch: @unchecked Sendable {
    // @unchecked: element references never change after init; `state` is behind a Mutex;
    // `probeID` is written once in init and read under `state`'s lock when removed.
    package let directory: String
    package let format: RecordingFormat
    private let view: ViewPipeline
    private let pipeline: GstElementRef
    private let appsrc: GstElementRef
    private let encodedPad: GstPadRef
    private let segmentNanos: UInt64
    private let onEvent: @Sendable (RecordingEvent) -> Void
    private let logger: Logger
    private let state: Mutex<State>
    private var probeID: gulong = 0

    struct State {
        var gate: RecordingGate
        var segmentPath: String?
        var segmentStart: Int64 = 0
        var probeRemoved = false
    }

    /// Builds and starts the recording; `directory` is created if missing.
    package init(
        view: ViewPipeline, directory: String, format: RecordingFormat, segmentSeconds: Int, logger: Logger,
        onEvent: @escaping @Sendable (RecordingEvent) -> Void
    ) throws(StreamerError) {
        self.view = view
        self.directory = directory
        self.format = format
        self.segmentNanos = UInt64(max(1, segmentSeconds)) * 1_000_000_000
        state = Mutex(State(gate: RecordingGate(segmentNanos: segmentNanos)))
        self.onEvent = onEvent
        self.logger = logger
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StreamerError(.pipeline, "The recordings directory \(directory) cannot be created: \(error.localizedDescription)")
        }
        pipeline = GstElementRef(sinking: gst_pipeline_new("recording")!)
        appsrc = try GStreamer.makeSource(
            name: "encoded", caps: "video/x-h264,stream-format=byte-stream,alignment=au", live: true, block: false)
        let queue = try GStreamer.make("queue", name: "recording-queue")
        let parser = try GStreamer.make("h264parse", name: "recording-parse")
        let muxer = try GStreamer.make(format.muxer, name: "recording-mux")
        let sink = try GStreamer.make("splitmuxsink", name: "recording-sink")

        appsrc.set("max-bytes", uint64: 16 << 20)
        appsrc.set("leaky-type", nick: "downstream")
        queue.set("leaky", nick: "downstream")
        queue.set("max-size-time", uint64: 2_000_000_000)
        queue.set("max-size-buffers", uint: 0)
        queue.set("max-size-bytes", uint: 0)
        parser.set("config-interval", -1)
        sink.set("location", string: "\(directory)/segment-%05d.\(format.rawValue)")
        // A recording started again (by an admin, or after a failure) numbers on after the
        // files already there, so it never overwrites an indexed segment.
        sink.set("start-index", Self.nextSegmentIndex(in: directory))
        sink.set("max-size-time", uint64: segmentNanos)
        scenecast_set_pointer(sink.raw, "muxer", muxer.raw)

        let chain = [appsrc, queue, parser, sink]
        let bin = UnsafeMutableRawPointer(pipeline.pointer).assumingMemoryBound(to: GstBin.self)
        for element in chain { gst_bin_add(bin, element.pointer) }
        for (a, b) in zip(chain, chain.dropFirst()) where gst_element_link(a.pointer, b.pointer) == 0 {
            throw StreamerError(.pipeline, "The recording pipeline could not link its elements")
        }
        guard let profile = gst_bin_get_by_name(view.bin, "profile").map(GstElementRef.init(adopting:)),
            let pad = profile.staticPad("src")
        else { throw StreamerError(.pipeline, "The view has no encoder output to record") }
        encodedPad = pad
        guard pipeline.setState(GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE else {
            pipeline.setState(GST_STATE_NULL)
            throw StreamerError(.pipeline, "The recording pipeline could not start writing into \(directory)")
        }
        let bus = Thread { [self] in self.readBus() }
        bus.name = "recording-bus"
        bus.start()
        installProbe()
        view.requestKeyframe()
        logger.info("recording started", metadata: ["directory": "\(directory)", "format": "\(format.rawValue)"])
    }

    deinit {
        pipeline.setState(GST_STATE_NULL)
    }

    /// One past the highest `segment-NNNNN.*` in `directory` (0 when there is none).
    static func nextSegmentIndex(in directory: String) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let taken = names.compactMap { name -> Int? in
            guard name.hasPrefix("segment-"), let dot = name.lastIndex(of: ".") else { return nil }
            return Int(name[name.index(name.startIndex, offsetBy: 8)..<dot])
        }
        return (taken.max() ?? -1) + 1
    }

    /// False once stopped, or once a write error ended the recording.
    package var isActive: Bool { state.withLock { $0.gate.open } }

    /// Stops feeding and finishes the current segment (EOS); the bus thread indexes it.
    package func stop() {
        guard state.withLock({ $0.gate.close() }) else { return }
        removeProbe()
        let source = UnsafeMutableRawPointer(appsrc.pointer).assumingMemoryBound(to: GstAppSrc.self)
        _ = gst_app_src_end_of_stream(source)
    }

    /// Called on the view's streaming thread for each encoded access unit.
    fileprivate func forward(_ buffer: UnsafeMutablePointer<GstBuffer>) {
        let pts = UInt64(scenecast_buffer_pts(buffer))
        let action = state.withLock { $0.gate.take(pts: pts, isDelta: scenecast_buffer_is_delta(buffer) != 0) }
        guard case .record(let base, let askKeyframe) = action else { return }
        if askKeyframe { view.requestKeyframe() }
        guard let copy = gst_buffer_copy(buffer) else { return }
        scenecast_buffer_rebase(copy, guint64(base))
        let source = UnsafeMutableRawPointer(appsrc.pointer).assumingMemoryBound(to: GstAppSrc.self)
        _ = gst_app_src_push_buffer(source, copy)
    }

    private func installProbe() {
        let context = Unmanaged.passRetained(BranchBox(self)).toOpaque()
        let probe: @convention(c) (UnsafeMutablePointer<GstPad>?, UnsafeMutablePointer<GstPadProbeInfo>?, gpointer?) -> GstPadProbeReturn = {
            _, info, data in
            guard let info, let data, let buffer = scenecast_probe_buffer(info),
                let branch = Unmanaged<BranchBox>.fromOpaque(data).takeUnretainedValue().branch
            else { return GST_PAD_PROBE_OK }
            branch.forward(buffer)
            return GST_PAD_PROBE_OK
        }
        let release: @convention(c) (gpointer?) -> Void = { data in
            if let data { Unmanaged<BranchBox>.fromOpaque(data).release() }
        }
        probeID = gst_pad_add_probe(encodedPad.pointer, GST_PAD_PROBE_TYPE_BUFFER, probe, context, release)
    }

    private func removeProbe() {
        let remove = state.withLock { s in defer { s.probeRemoved = true }; return !s.probeRemoved }
        if remove, probeID != 0 { gst_pad_remove_probe(encodedPad.pointer, probeID) }
    }

    /// The recording's bus, read on its own thread until EOS or an error ends the recording.
    private func readBus() {
        let bus = gst_element_get_bus(pipeline.pointer)!
        defer { gst_object_unref(UnsafeMutableRawPointer(bus)) }
        let wanted = GstMessageType(rawValue: GST_MESSAGE_EOS.rawValue | GST_MESSAGE_ERROR.rawValue | GST_MESSAGE_ELEMENT.rawValue)
        while true {
            guard let message = gst_bus_timed_pop_filtered(bus, 200_000_000, wanted) else { continue }
            defer { gst_message_unref(message) }
            switch scenecast_message_type(message) {
            case GST_MESSAGE_ELEMENT:
                fragment(message)
            case GST_MESSAGE_ERROR:
                let text = BusMessage(message).text
                _ = state.withLock { $0.gate.close() }
                removeProbe()
                pipeline.setState(GST_STATE_NULL)
                let (path, start) = state.withLock { ($0.segmentPath ?? directory, $0.segmentStart) }
                logger.error("recording stopped by a write error; the live stream goes on", metadata: ["path": "\(path)", "error": "\(text)"])
                onEvent(.failed(path: path, startedAtMicros: start == 0 ? WallClock.nowMicros() : start, endedAtMicros: WallClock.nowMicros(), message: text))
                return
            default:  // EOS: the last segment is closed.
                pipeline.setState(GST_STATE_NULL)
                logger.info("recording stopped", metadata: ["directory": "\(directory)"])
                return
            }
        }
    }

    private func fragment(_ message: UnsafeMutablePointer<GstMessage>) {
        guard let structure = gst_message_get_structure(message), let name = gst_structure_get_name(structure),
            let location = gst_structure_get_string(structure, "location")
        else { return }
        let path = String(cString: location)
        switch String(cString: name) {
        case "splitmuxsink-fragment-opened":
            state.withLock { $0.segmentPath = path; $0.segmentStart = WallClock.nowMicros() }
        case "splitmuxsink-fragment-closed":
            let (start, empty) = state.withLock { s in
                defer { s.segmentPath = nil }
                return (s.segmentStart, !s.gate.hasStarted)
            }
            guard !empty else {
                // Stopped before its first keyframe: the file holds no frame, so it is no segment.
                try? FileManager.default.removeItem(atPath: path)
                logger.info("recording stopped before its first keyframe; nothing was recorded", metadata: ["path": "\(path)"])
                return
            }
            onEvent(.segmentClosed(path: path, startedAtMicros: start, endedAtMicros: WallClock.nowMicros()))
        default:
            break
        }
    }
}

/// Weak hold on the branch from the C probe.
private final class BranchBox: @unchecked Sendable {
    // @unchecked: a weak reference, set once.
    weak var branch: RecordingBranch?
    init(_ branch: RecordingBranch) { self.branch = branch }
}
