import CGStreamer
package import Logging
package import Renderer
package import Synchronization

/// One view's encoding pipeline:
///
/// `appsrc` (I420, live, timestamps from the view's monotonic clock) → encoder → caps
/// (constrained-baseline H.264, or VP8) → `fakesink`.
///
/// A buffer probe on the encoder's output hands every encoded frame to the view's
/// subscribers (`EncodedSubscriber`: each peer's own send pipeline, see `WebRTCPeer`), so
/// one encode feeds any number of peers, and a peer can move from one view to another
/// without renegotiating. Forced keyframes, whether asked for here, by a joining peer or
/// by a peer's PLI/FIR, pass one pad probe on the encoder's output that lets through at
/// most one per second (`KeyframeCoalescer`).
package final class ViewPipeline: @unchecked Sendable {
    // @unchecked: the element references never change after init; GStreamer serializes
    // element calls itself; `coalescer`, `bitrate` and `subscribers` sit behind Mutexes.
    package let width: Int
    package let height: Int
    package let fps: Int
    package let encoderChoice: EncoderChoice
    let pipeline: GstElementRef
    let appsrc: GstElementRef
    let encoder: GstElementRef
    let logger: Logger
    let clock: MonotonicClock
    let coalescer = Mutex(KeyframeCoalescer())
    /// Who gets each encoded frame, by identity.
    let subscribers = Mutex<[ObjectIdentifier: any EncodedSubscriber]>([:])
    /// Frames pushed into the encoder so far.
    package let framesPushed = Atomic<Int>(0)
    /// Frames the encoder has put out so far (its output pad's buffers).
    package let framesEncoded = Atomic<Int>(0)
    private let currentBitrate: Mutex<Int>
    private var busWatch: BusWatch?
    private var probeID: gulong = 0
    private var fanoutID: gulong = 0
    let encoderSource: GstPadRef
    let encodedPad: GstPadRef

    package init(
        width: Int, height: Int, fps: Int, encoder choice: EncoderChoice, bitrateKbps: Int, clock: MonotonicClock,
        logger: Logger
    ) throws(StreamerError) {
        try GStreamer.initialize()
        self.width = width
        self.height = height
        self.fps = fps
        self.encoderChoice = choice
        self.logger = logger
        self.clock = clock
        currentBitrate = Mutex(bitrateKbps)
        pipeline = GstElementRef(sinking: gst_pipeline_new("view")!)
        appsrc = try GStreamer.makeSource(
            name: "frames", caps: "video/x-raw,format=I420,width=\(width),height=\(height),framerate=\(fps)/1", live: true, block: false)
        encoder = try choice.make(bitrateKbps: bitrateKbps, fps: fps)
        let profile = try GStreamer.make("capsfilter", name: "profile")
        let sink = try GStreamer.make("fakesink", name: "encoded")

        // At most a few frames wait in appsrc; a late encoder drops old frames, never blocks the renderer.
        appsrc.set("max-buffers", uint64: 3)
        appsrc.set("leaky-type", nick: "downstream")
        let encodedCaps = try GStreamer.caps(choice.codec.encodedCaps)
        profile.setCaps("caps", encodedCaps)
        gst_caps_unref(encodedCaps)
        sink.set("sync", false)
        sink.set("async", false)
        sink.set("enable-last-sample", false)

        let chain = [appsrc, encoder, profile, sink]
        for element in chain { gst_bin_add(UnsafeMutableRawPointer(pipeline.pointer).assumingMemoryBound(to: GstBin.self), element.pointer) }
        for (a, b) in zip(chain, chain.dropFirst()) where gst_element_link(a.pointer, b.pointer) == 0 {
            throw StreamerError(.pipeline, "The view pipeline could not link its elements (\(choice.kind.rawValue))")
        }
        guard let source = encoder.staticPad("src") else {
            throw StreamerError(.pipeline, "The encoder has no src pad")
        }
        guard let encoded = profile.staticPad("src") else {
            throw StreamerError(.pipeline, "The view's caps filter has no src pad")
        }
        encoderSource = source
        encodedPad = encoded
        installKeyframeProbe()
        installFanout()
    }

    deinit {
        if probeID != 0 { gst_pad_remove_probe(encoderSource.pointer, probeID) }
        if fanoutID != 0 { gst_pad_remove_probe(encodedPad.pointer, fanoutID) }
        pipeline.setState(GST_STATE_NULL)
    }

    /// What this view encodes to.
    package var codec: VideoCodec { encoderChoice.codec }

    var bin: UnsafeMutablePointer<GstBin> {
        UnsafeMutableRawPointer(pipeline.pointer).assumingMemoryBound(to: GstBin.self)
    }

    /// Starts the pipeline (PLAYING) and watches its bus on the GLib loop thread.
    package func start() throws(StreamerError) {
        let logger = self.logger
        let pipeline = self.pipeline
        busWatch = GLibLoop.shared.watch(pipeline) { message in
            switch message.kind {
            case .latency:
                _ = gst_bin_recalculate_latency(UnsafeMutableRawPointer(pipeline.pointer).assumingMemoryBound(to: GstBin.self))
            case .error:
                logger.error("view pipeline error", metadata: ["source": "\(message.source)", "error": "\(message.text)"])
            case .warning:
                logger.debug("view pipeline warning", metadata: ["source": "\(message.source)", "warning": "\(message.text)"])
            case .eos, .other:
                break
            }
        }
        guard pipeline.setState(GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE else {
            throw StreamerError(.pipeline, "The view pipeline could not start (\(encoderChoice.kind.rawValue))")
        }
    }

    /// Stops the pipeline; later pushes are ignored.
    package func stop() {
        pipeline.setState(GST_STATE_NULL)
        busWatch = nil
        subscribers.withLock { $0.removeAll() }
    }

    /// Pushes one I420 frame, timestamped now on the view's clock.
    package func push(_ frame: Frame) {
        guard frame.format == .i420, frame.width == width, frame.height == height else { return }
        let buffer = gst_buffer_new_allocate(nil, gsize(frame.bytes.count), nil)!
        _ = frame.bytes.withUnsafeBytes { gst_buffer_fill(buffer, 0, $0.baseAddress, gsize($0.count)) }
        scenecast_buffer_set_pts(buffer, guint64(clock.now()), scenecast_clock_time_none())
        let appsrc = UnsafeMutableRawPointer(self.appsrc.pointer).assumingMemoryBound(to: GstAppSrc.self)
        _ = gst_app_src_push_buffer(appsrc, buffer)
        framesPushed.wrappingAdd(1, ordering: .relaxed)
        if coalescer.withLock({ $0.takeDue(at: clock.now()) }) { sendForceKeyUnit() }
    }

    /// Asks for a keyframe, subject to coalescing (at most one per second).
    package func requestKeyframe() {
        sendForceKeyUnit()
    }

    package var bitrateKbps: Int { currentBitrate.withLock { $0 } }

    /// Sets the encoder's target bitrate while playing.
    package func setBitrate(kbps: Int) {
        let changed = currentBitrate.withLock { current -> Bool in
            defer { current = kbps }
            return current != kbps
        }
        if changed { encoderChoice.setBitrate(encoder, kbps: kbps) }
    }

    /// Sends an upstream force-key-unit event into the encoder; the probe decides.
    private func sendForceKeyUnit() {
        let event = gst_video_event_new_upstream_force_key_unit(scenecast_clock_time_none(), 1, 0)
        _ = gst_pad_send_event(encoderSource.pointer, event)
    }

    private func installKeyframeProbe() {
        let context = Unmanaged.passRetained(CoalescerBox(pipeline: self)).toOpaque()
        let probe: @convention(c) (UnsafeMutablePointer<GstPad>?, UnsafeMutablePointer<GstPadProbeInfo>?, gpointer?) -> GstPadProbeReturn = {
            _, info, data in
            guard let info, let data, let event = scenecast_probe_event(info), gst_video_event_is_force_key_unit(event) != 0,
                let view = Unmanaged<CoalescerBox>.fromOpaque(data).takeUnretainedValue().pipeline
            else { return GST_PAD_PROBE_OK }
            let now = view.clock.now()
            let decision = view.coalescer.withLock { $0.request(at: now) }
            return decision == .force ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP
        }
        let release: @convention(c) (gpointer?) -> Void = { data in
            if let data { Unmanaged<CoalescerBox>.fromOpaque(data).release() }
        }
        probeID = gst_pad_add_probe(encoderSource.pointer, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, probe, context, release)
    }

    /// Hands each encoded frame to every subscriber, on the encoder's streaming thread.
    private func installFanout() {
        let context = Unmanaged.passRetained(CoalescerBox(pipeline: self)).toOpaque()
        let probe: @convention(c) (UnsafeMutablePointer<GstPad>?, UnsafeMutablePointer<GstPadProbeInfo>?, gpointer?) -> GstPadProbeReturn = {
            _, info, data in
            guard let info, let data, let buffer = scenecast_probe_buffer(info),
                let view = Unmanaged<CoalescerBox>.fromOpaque(data).takeUnretainedValue().pipeline
            else { return GST_PAD_PROBE_OK }
            view.framesEncoded.wrappingAdd(1, ordering: .relaxed)
            for subscriber in view.subscribers.withLock({ Array($0.values) }) { subscriber.deliver(buffer, from: view) }
            return GST_PAD_PROBE_OK
        }
        let release: @convention(c) (gpointer?) -> Void = { data in
            if let data { Unmanaged<CoalescerBox>.fromOpaque(data).release() }
        }
        fanoutID = gst_pad_add_probe(encodedPad.pointer, GST_PAD_PROBE_TYPE_BUFFER, probe, context, release)
    }

    /// Starts handing encoded frames to `subscriber` and asks for a keyframe for it.
    func subscribe(_ subscriber: some EncodedSubscriber) {
        subscribers.withLock { $0[ObjectIdentifier(subscriber)] = subscriber }
        requestKeyframe()
    }

    /// Stops handing frames to `subscriber`.
    func unsubscribe(_ subscriber: some EncodedSubscriber) {
        _ = subscribers.withLock { $0.removeValue(forKey: ObjectIdentifier(subscriber)) }
    }
}

/// Something that takes a view's encoded frames (a peer's send pipeline).
protocol EncodedSubscriber: AnyObject, Sendable {
    /// One encoded frame, on the view's streaming thread: copy what you keep, never block.
    func deliver(_ buffer: UnsafeMutablePointer<GstBuffer>, from view: ViewPipeline)
}

/// Weak hold on the pipeline from the C probe, so the probe never keeps it alive.
private final class CoalescerBox: @unchecked Sendable {
    // @unchecked: a weak reference, set once.
    weak var pipeline: ViewPipeline?
    init(pipeline: ViewPipeline) { self.pipeline = pipeline }
}
