/// Which encoder a view uses, chosen once at start from the installed plugins: for H.264
/// NVIDIA's `nvh264enc`, VA-API's `vah264enc`, else `x264enc` configured for latency; for
/// the VP8 fallback `vp8enc` in realtime mode.
package struct EncoderChoice: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable {
        case nvh264enc, vah264enc, x264enc, vp8enc
    }

    package let kind: Kind

    package init(kind: Kind) { self.kind = kind }

    /// What the encoder produces.
    package var codec: VideoCodec { kind == .vp8enc ? .vp8 : .h264 }

    /// `vp8enc` where it is installed.
    package static func detectVP8(exists: (String) -> Bool = GStreamer.hasElement) -> EncoderChoice? {
        exists(Kind.vp8enc.rawValue) ? EncoderChoice(kind: .vp8enc) : nil
    }

    /// The first encoder whose element exists, in order of preference. `prefer` (from
    /// configuration or `SCENECAST_ENCODER`) moves one to the front.
    package static func detect(prefer: Kind? = nil, exists: (String) -> Bool = GStreamer.hasElement) -> EncoderChoice? {
        var order: [Kind] = [.nvh264enc, .vah264enc, .x264enc]
        if let prefer, prefer != .vp8enc { order.removeAll { $0 == prefer }; order.insert(prefer, at: 0) }
        return order.first { exists($0.rawValue) }.map(EncoderChoice.init(kind:))
    }

    /// Creates and configures the element for `bitrateKbps` at `fps`.
    func make(bitrateKbps: Int, fps: Int) throws(StreamerError) -> GstElementRef {
        let encoder = try GStreamer.make(kind.rawValue, name: "encoder")
        switch kind {
        case .x264enc:
            encoder.set("tune", nick: "zerolatency")
            encoder.set("speed-preset", nick: "ultrafast")
            // GStreamer's x264enc turns trellis quantization on by default, over the preset;
            // off, a 1280×720 frame of rendered content encodes about a quarter faster.
            encoder.set("trellis", false)
            encoder.set("bframes", uint: 0)
            encoder.set("rc-lookahead", 0)
            encoder.set("sliced-threads", true)
            encoder.set("pass", nick: "cbr")
            encoder.set("bitrate", uint: UInt(bitrateKbps))
            // About one frame of VBV at 30 fps, in milliseconds.
            encoder.set("vbv-buf-capacity", uint: 33)
            encoder.set("key-int-max", uint: UInt(max(fps, 1) * 10))
            encoder.set("byte-stream", true)
        case .nvh264enc:
            encoder.set("preset", nick: "low-latency-hq")
            encoder.set("rc-mode", nick: "cbr")
            encoder.set("bitrate", uint: UInt(bitrateKbps))
            encoder.set("zerolatency", true)
            encoder.set("bframes", uint: 0)
            encoder.set("gop-size", max(fps, 1) * 10)
        case .vah264enc:
            encoder.set("rate-control", nick: "cbr")
            encoder.set("bitrate", uint: UInt(bitrateKbps))
            encoder.set("b-frames", uint: 0)
            encoder.set("key-int-max", uint: UInt(max(fps, 1) * 10))
        case .vp8enc:
            // Realtime: the fastest speed, one frame in, one frame out, CBR with a small
            // buffer, and keyframes only on demand (or every ten seconds).
            encoder.set("deadline", int64: 1)
            encoder.set("cpu-used", 16)
            encoder.set("lag-in-frames", 0)
            encoder.set("end-usage", nick: "cbr")
            encoder.set("target-bitrate", bitrateKbps * 1000)
            encoder.set("buffer-size", 100)
            encoder.set("buffer-initial-size", 50)
            encoder.set("buffer-optimal-size", 80)
            encoder.set("threads", 2)
            encoder.set("error-resilient", nick: "default")
            encoder.set("keyframe-max-dist", max(fps, 1) * 10)
        }
        return encoder
    }

    /// Sets the target bitrate while the pipeline plays.
    func setBitrate(_ encoder: GstElementRef, kbps: Int) {
        if kind == .vp8enc {
            encoder.set("target-bitrate", kbps * 1000)
        } else {
            encoder.set("bitrate", uint: UInt(kbps))
        }
    }
}
