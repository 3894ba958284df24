import CGStreamer

/// Where GStreamer expects the planes of an I420 frame of one size (`GstVideoInfo`: rows
/// padded to 4 bytes), and the copy from the renderer's unpadded planes into a new buffer.
struct ClipFrameLayout: Sendable {
    let width: Int
    let height: Int
    /// Bytes per row and plane start, for Y, U and V.
    let strides: [Int]
    let offsets: [Int]
    let size: Int

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        var info = GstVideoInfo()
        gst_video_info_init(&info)
        _ = gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, guint(width), guint(height))
        strides = withUnsafeBytes(of: info.stride) { raw in (0..<3).map { Int(raw.load(fromByteOffset: $0 * MemoryLayout<gint>.stride, as: gint.self)) } }
        offsets = withUnsafeBytes(of: info.offset) { raw in (0..<3).map { Int(raw.load(fromByteOffset: $0 * MemoryLayout<gsize>.stride, as: gsize.self)) } }
        size = Int(info.size)
    }

    /// A new buffer (owned by the caller) holding `bytes`: Y, then U, then V, each
    /// `width` (or `width / 2`) bytes a row without padding, as `Frame` lays them out.
    func buffer(from bytes: [UInt8]) -> UnsafeMutablePointer<GstBuffer> {
        let buffer = gst_buffer_new_allocate(nil, gsize(size), nil)!
        var map = GstMapInfo()
        guard gst_buffer_map(buffer, &map, GST_MAP_WRITE) != 0 else { return buffer }
        defer { gst_buffer_unmap(buffer, &map) }
        let planes = [(width, height), (width / 2, height / 2), (width / 2, height / 2)]
        bytes.withUnsafeBytes { source in
            var read = 0
            for (plane, (rowBytes, rows)) in planes.enumerated() {
                for row in 0..<rows {
                    let target = map.data + offsets[plane] + row * strides[plane]
                    target.update(from: source.baseAddress!.advanced(by: read).assumingMemoryBound(to: UInt8.self), count: rowBytes)
                    read += rowBytes
                }
            }
        }
        return buffer
    }
}
