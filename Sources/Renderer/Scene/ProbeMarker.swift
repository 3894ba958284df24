/// The latency probe marker: a square in the top-left corner of every scene frame, drawn
/// last and over everything. It is pure black (0, 0, 0) while the scene's probe counter
/// (`SceneState.probeMarker`, bumped by each `latency.probed` event) is even and pure white
/// (255, 255, 255) while it is odd, so a client can time a probe from its command to the
/// first decoded frame whose corner flipped.
///
/// In I420 (BT.601 limited range) the square reads Y = 16 when black and Y = 235 when
/// white, with U = V = 128; its 2×2 chroma blocks never straddle its edge.
package enum ProbeMarker {
    /// The side of the square in pixels (smaller frames get a square as big as they are).
    package static let size = 32

    /// The marker's R, G and B bytes for a probe counter.
    package static func value(forCounter counter: Int64) -> UInt8 {
        counter & 1 == 0 ? 0 : 255
    }

    /// The square's pixels in a `width`×`height` frame, in GL's bottom-up rows.
    static func rect(width: Int, height: Int) -> PixelRect {
        let side = min(size, width, height)
        return PixelRect(minX: 0, minY: height - side, maxX: side, maxY: height)
    }
}
