/// One rendered frame, read back from the GPU.
///
/// Rows run top to bottom: byte 0 is the top-left pixel of the image, as a video encoder
/// and a PNG writer expect (the GL layer flips OpenGL's bottom-up rows on the way out).
package struct Frame: Sendable, Equatable {
    package enum Format: String, Sendable, Equatable {
        /// 4 bytes per pixel, R G B A, `width * 4` bytes per row, no padding.
        case rgba
        /// Planar YUV 4:2:0, BT.601 limited range: the Y plane (`width * height` bytes),
        /// then U (`width/2 * height/2`), then V (the same), each without padding.
        case i420
    }

    package let width: Int
    package let height: Int
    package let format: Format
    package let bytes: [UInt8]
    /// The scene time the frame was drawn for (not the wall clock).
    package let sceneTimeMicros: Int64

    package init(width: Int, height: Int, format: Format, bytes: [UInt8], sceneTimeMicros: Int64) {
        self.width = width
        self.height = height
        self.format = format
        self.bytes = bytes
        self.sceneTimeMicros = sceneTimeMicros
    }

    /// The number of bytes a frame of this size and format holds.
    package static func byteCount(width: Int, height: Int, format: Format) -> Int {
        switch format {
        case .rgba: width * height * 4
        case .i420: width * height + 2 * ((width / 2) * (height / 2))
        }
    }

    /// Byte ranges of the Y, U and V planes of an I420 frame.
    package var planes: (y: Range<Int>, u: Range<Int>, v: Range<Int>) {
        let luma = width * height
        let chroma = (width / 2) * (height / 2)
        return (0..<luma, luma..<(luma + chroma), (luma + chroma)..<(luma + 2 * chroma))
    }

    /// The R, G, B, A bytes of pixel (x, y) of an RGBA frame, y = 0 at the top.
    package func rgba(x: Int, y: Int) -> [UInt8] {
        precondition(format == .rgba && x >= 0 && x < width && y >= 0 && y < height)
        let start = (y * width + x) * 4
        return Array(bytes[start..<(start + 4)])
    }

    /// The Y, U and V bytes at pixel (x, y) of an I420 frame, y = 0 at the top.
    package func yuv(x: Int, y: Int) -> (y: UInt8, u: UInt8, v: UInt8) {
        precondition(format == .i420 && x >= 0 && x < width && y >= 0 && y < height)
        let p = planes
        let chromaIndex = (y / 2) * (width / 2) + x / 2
        return (bytes[y * width + x], bytes[p.u.lowerBound + chromaIndex], bytes[p.v.lowerBound + chromaIndex])
    }
}
