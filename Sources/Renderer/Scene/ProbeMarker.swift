/// The latency probe marker: a square in the top-left corner of a scene frame, drawn last
/// and over everything, only while a probe is outstanding. The scene's probe counter
/// (`SceneState.probeMarker`, bumped by each `latency.probed` event) says which: the square
/// shows while the counter is odd and is absent (the scene shows through) while it is even.
/// A latency tester sends its probes in pairs, the first to show the square and the second
/// to take it away again, timing each from its command to the first decoded frame that
/// changed; so a person sees the square only while someone measures, and a scene at rest
/// (an even counter) never shows it. Because the square follows the ledger's state, a live
/// view and `scenecast render` draw the same pixels for the same version.
///
/// The square's left half is pure black (0, 0, 0) and its right half pure white
/// (255, 255, 255): a pattern a scene hardly makes on its own, so "shown" and "absent" are
/// both readable whatever lies under it. In I420 (BT.601 limited range) the halves read
/// Y = 16 and Y = 235, with U = V = 128; no 2×2 chroma block straddles an edge.
package enum ProbeMarker {
    /// The side of the square in pixels (smaller frames get a square as big as they are).
    package static let size = 32

    /// Whether the square is drawn for a probe counter: only while it is odd.
    package static func isShown(forCounter counter: Int64) -> Bool {
        counter & 1 != 0
    }

    /// The whole square's pixels in a `width`×`height` frame, in GL's bottom-up rows.
    static func rect(width: Int, height: Int) -> PixelRect {
        let side = min(size, width, height)
        return PixelRect(minX: 0, minY: height - side, maxX: side, maxY: height)
    }

    /// The square's black (left) and white (right) halves, in GL's bottom-up rows.
    static func halves(width: Int, height: Int) -> (black: PixelRect, white: PixelRect) {
        let whole = rect(width: width, height: height)
        let middle = (whole.maxX / 2) & ~1
        return (
            PixelRect(minX: 0, minY: whole.minY, maxX: middle, maxY: whole.maxY),
            PixelRect(minX: middle, minY: whole.minY, maxX: whole.maxX, maxY: whole.maxY)
        )
    }
}
