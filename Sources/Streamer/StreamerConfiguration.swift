package import Renderer
/// How `serve` streams video: ICE, frame rates, bitrate bounds and the encoder.
package struct StreamerConfiguration: Sendable {
    package var ice: ICEConfiguration
    /// The cap on a view's frame rate.
    package var maxFPS: Int
    package var animationFPS: Int
    package var keepAliveFPS: Int
    /// Bitrate bounds at 1280×720, in kbit/s; scaled by pixel count for other sizes.
    package var minKbps720p: Int
    package var maxKbps720p: Int
    /// The H.264 encoder, detected at start (nil when none is installed).
    package var encoder: EncoderChoice?
    /// The VP8 encoder for browsers without H.264 (nil when `vp8enc` is missing).
    package var vp8Encoder: EncoderChoice?
    /// Where views get their models: the process's library, shared with `render`, replay
    /// and picking.
    package var models: ModelLibrary

    package init(
        ice: ICEConfiguration = ICEConfiguration(), maxFPS: Int = 60, animationFPS: Int = 30, keepAliveFPS: Int = 2,
        minKbps720p: Int = 1_000, maxKbps720p: Int = 8_000, encoder: EncoderChoice? = EncoderChoice.detect(),
        vp8Encoder: EncoderChoice? = EncoderChoice.detectVP8(), models: ModelLibrary = .builtinsOnly
    ) {
        self.models = models
        self.ice = ice
        self.maxFPS = maxFPS
        self.animationFPS = animationFPS
        self.keepAliveFPS = keepAliveFPS
        self.minKbps720p = minKbps720p
        self.maxKbps720p = maxKbps720p
        self.encoder = encoder
        self.vp8Encoder = vp8Encoder
    }

    /// The codecs views can be encoded in.
    package var codecs: Set<VideoCodec> {
        Set([encoder, vp8Encoder].compactMap { $0?.codec })
    }

    /// The encoder for `codec`, if installed.
    package func encoder(for codec: VideoCodec) -> EncoderChoice? {
        codec == .h264 ? encoder : vp8Encoder
    }

    /// The bitrate bounds for a view of this size.
    package func bitrateBounds(width: Int, height: Int) -> ClosedRange<Int> {
        let scale = Double(width * height) / Double(1280 * 720)
        let low = max(200, Int(Double(minKbps720p) * scale))
        return low...max(low, Int(Double(maxKbps720p) * scale))
    }
}
