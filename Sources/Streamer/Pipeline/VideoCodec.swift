/// The video codecs a view can be encoded in. H.264 (constrained baseline) is what every
/// browser decodes in hardware or FFmpeg; VP8 is the fallback for a browser that offers
/// no H.264 (some privacy builds ship without it).
package enum VideoCodec: String, Sendable, CaseIterable, Hashable {
    case h264 = "H264"
    case vp8 = "VP8"

    /// The codec for a client that can decode `offered` (RTP encoding names, as
    /// `RTCRtpReceiver.getCapabilities("video")` lists them, any case): H.264 when offered,
    /// else VP8 when offered; nil when neither. An empty list means "not said": H.264.
    package static func choose(offered: [String], available: Set<VideoCodec>) -> VideoCodec? {
        let names = Set(offered.map { name in
            let upper = name.uppercased()
            return upper.hasPrefix("VIDEO/") ? String(upper.dropFirst(6)) : upper
        })
        if names.isEmpty { return available.contains(.h264) ? .h264 : available.first }
        return [.h264, .vp8].first { names.contains($0.rawValue) && available.contains($0) }
    }

    /// The caps between the encoder and the payloader (also what a peer's `appsrc` takes).
    var encodedCaps: String {
        switch self {
        // Level 5.1 covers every view size up to 1920×1080 at 60 fps; the encoder writes it
        // into the SPS, so the stream matches the level the offer names (42e033).
        case .h264: "video/x-h264,profile=constrained-baseline,level=(string)5.1,stream-format=byte-stream,alignment=au"
        case .vp8: "video/x-vp8"
        }
    }

    /// The RTP payloader element.
    var payloader: String { self == .h264 ? "rtph264pay" : "rtpvp8pay" }

    /// The RTP depayloader and software decoder (for the test receiver).
    package var depayloader: String { self == .h264 ? "rtph264depay" : "rtpvp8depay" }
    package var decoder: [String] { self == .h264 ? ["h264parse", "avdec_h264"] : ["vp8dec"] }

    /// The RTP payload type the server offers it on.
    var payloadType: Int { self == .h264 ? 96 : 97 }

    /// The transceiver's codec preference, which decides the offer's m-line.
    var rtpCaps: String {
        switch self {
        case .h264:
            "application/x-rtp,media=video,encoding-name=H264,payload=96,clock-rate=90000,packetization-mode=(string)1,profile-level-id=(string)42e033"
        case .vp8:
            "application/x-rtp,media=video,encoding-name=VP8,payload=97,clock-rate=90000"
        }
    }
}
