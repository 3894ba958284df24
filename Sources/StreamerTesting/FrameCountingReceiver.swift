import CGStreamer
package import Streamer
import Foundation
package import Logging
import Synchronization

/// A WebRTC receiver on webrtcbin, for the streaming tests (this target is never linked into `scenecast`): it answers the
/// server's offer, receives the video and counts frames, either decoded (`avdec_h264`,
/// with the decoded size) or, lighter, as depayloaded H.264 access units without
/// decoding. It also opens the server's data channels.
///
/// Use: feed it the server's `offer` (`applyOffer`) and `ice` (`addCandidate`); send what
/// comes out of `events` (`answer`, candidates) back over `/signal`.
package final class FrameCountingReceiver: @unchecked Sendable {
    // @unchecked: element references are set once; mutable state sits behind Mutexes and
    // atomics; webrtcbin serializes its signals.
    package enum Mode: Sendable { case decode, countOnly }

    package enum Event: Sendable {
        case answer(sdp: String)
        case candidate(mline: Int, candidate: String)
        case channelOpen(DataChannelLabel)
        case message(DataChannelLabel, String)
        case failed(String)
    }

    package let mode: Mode
    package let events: AsyncStream<Event>
    let continuation: AsyncStream<Event>.Continuation
    let pipeline: GstElementRef
    let webrtc: GstElementRef
    let channels = Mutex<[DataChannelLabel: DataChannelRef]>([:])
    let branch = Mutex<[GstElementRef]>([])
    let frames = Atomic<Int>(0)
    let size = Mutex<(width: Int, height: Int)?>(nil)
    let marker = Mutex<MarkerReading?>(nil)
    let codec = Mutex<VideoCodec?>(nil)
    private var watch: BusWatch?

    /// A receiver gathering candidates on `localAddresses` only (loopback in tests).
    package init(mode: Mode = .decode, localAddresses: [String] = ["127.0.0.1"], logger: Logger) throws(StreamerError) {
        try GStreamer.initialize()
        self.mode = mode
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
        pipeline = GstElementRef(sinking: gst_pipeline_new("receiver")!)
        webrtc = try GStreamer.make("webrtcbin")
        webrtc.set("bundle-policy", nick: "max-bundle")
        _ = webrtc.configureICEAgent(localAddresses: localAddresses)
        gst_bin_add(UnsafeMutableRawPointer(pipeline.pointer).assumingMemoryBound(to: GstBin.self), webrtc.pointer)
        connectSignals()
        let owner = pipeline
        watch = GLibLoop.shared.watch(pipeline) { message in
            if message.kind == .latency {
                _ = gst_bin_recalculate_latency(UnsafeMutableRawPointer(owner.pointer).assumingMemoryBound(to: GstBin.self))
            }
            if message.kind == .error && !message.isPeerScoped {
                logger.warning("receiver pipeline error", metadata: ["source": "\(message.source)", "error": "\(message.text)"])
            }
        }
        guard pipeline.setState(GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE else {
            throw StreamerError(.pipeline, "The receiver pipeline could not start")
        }
    }

    deinit { close() }

    /// Frames received so far (decoded frames, or access units in `countOnly` mode).
    package var framesReceived: Int { frames.load(ordering: .relaxed) }

    /// The codec of the video received (nil before the video pad appeared).
    package var videoCodec: VideoCodec? { codec.withLock { $0 } }

    /// The decoded video size (nil before the first decoded frame, or in `countOnly`).
    package var frameSize: (width: Int, height: Int)? { size.withLock { $0 } }

    /// The probe marker as last decoded: shown (its black left half and white right half)
    /// or absent, and when (on `MonotonicClock`-style uptime nanoseconds) it last changed.
    /// Nil before the first decoded frame, or in `countOnly` mode.
    package var markerReading: MarkerReading? { marker.withLock { $0 } }

    func recordMarker(left: UInt8, right: UInt8) {
        let shown = left < 64 && right > 192
        let now = DispatchTime.now().uptimeNanoseconds
        marker.withLock { reading in
            if reading?.shown != shown { reading = MarkerReading(shown: shown, changedAtNanos: now) }
        }
    }

    /// Applies the server's offer and produces an answer (as an `answer` event).
    package func applyOffer(_ sdp: String) throws(StreamerError) {
        let webrtc = self.webrtc
        let continuation = self.continuation
        try webrtc.setRemoteDescription(GST_WEBRTC_SDP_TYPE_OFFER, sdp: sdp) { _ in
            let answered = makePromise { reply in
                guard let reply, let value = gst_structure_get_value(reply, "answer"), let boxed = g_value_get_boxed(value) else {
                    continuation.yield(.failed("webrtcbin could not create an answer"))
                    return
                }
                let answer = boxed.assumingMemoryBound(to: GstWebRTCSessionDescription.self)
                guard let text = webrtc.setLocalDescription(answer) else { return }
                continuation.yield(.answer(sdp: text))
            }
            scenecast_emit_create_answer(webrtc.pointer, answered)
            gst_promise_unref(answered)
        }
    }

    /// Adds one of the server's ICE candidates.
    package func addCandidate(mline: Int, candidate: String) {
        webrtc.addICECandidate(mline: mline, candidate: candidate)
    }

    /// Sends text on one of the server's data channels; false until it is open.
    @discardableResult
    package func send(_ text: String, on label: DataChannelLabel) -> Bool {
        guard let channel = channels.withLock({ $0[label] }) else { return false }
        return channel.send(text)
    }

    /// Stops the pipeline; safe to call more than once.
    package func close() {
        channels.withLock { $0.removeAll() }
        pipeline.setState(GST_STATE_NULL)
        watch = nil
        continuation.finish()
    }
}

/// Whether the latency probe marker shows in the decoded video, and when that last changed.
package struct MarkerReading: Sendable, Equatable {
    package var shown: Bool
    /// `DispatchTime.now().uptimeNanoseconds` when the first frame of this reading was decoded.
    package var changedAtNanos: UInt64
}
