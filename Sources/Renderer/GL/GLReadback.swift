import CEGL

/// Reads pixels back through two pixel buffer objects used in turn.
///
/// `glReadPixels` into a bound `GL_PIXEL_PACK_BUFFER` returns at once on a GPU; the copy
/// finishes in the background. Two ways to use it:
/// - `readNow`: read into the next buffer and map that same buffer, which waits for the
///   copy. The caller gets the frame it just drew.
/// - `readPipelined`: read into the next buffer, then map the *other* buffer, filled by
///   the previous call and long finished. The caller gets the previous request's frame
///   (labelled with its own size and scene time), one frame late, without a stall.
///
/// Rows come back bottom-up from GL; requests that ask for it are flipped (or converted to
/// I420, which flips) while copying out of the mapped buffer, so frames run top to bottom.
///
/// Not `Sendable`: lives on the GL thread inside `GLContext`; `deinit` deletes the buffers.
final class GLReadback {
    /// What to read from the bound read framebuffer, and what frame it makes.
    struct Request {
        /// The RGBA8 rectangle `glReadPixels` reads, from (0, `firstRow`).
        var readWidth: Int
        var readHeight: Int
        var firstRow = 0
        /// For `toI420` reads of some rows only (`firstRow`, `readHeight`): the I420 frame
        /// the other rows come from.
        var base: [UInt8]?
        /// How the bytes read become the frame's.
        var copy: Copy
        var frameWidth: Int
        var frameHeight: Int
        var format: Frame.Format
        var sceneTimeMicros: Int64

        /// How bytes leave the mapped buffer.
        enum Copy {
            /// As read: a packed I420 target, already in memory order.
            case asRead
            /// Rows reversed: an RGBA image, GL's bottom-up rows made top-down.
            case flipRows
            /// Converted from the RGBA image to I420 on the CPU (`RGBAToI420`), which flips too.
            case toI420
        }

        var readBytes: Int { readWidth * readHeight * 4 }
        var frameBytes: Int { Frame.byteCount(width: frameWidth, height: frameHeight, format: format) }
    }

    private var buffers: [GLuint] = [0, 0]
    private var capacity: [Int] = [0, 0]
    private var pending: [Request?] = [nil, nil]
    private var nextSlot = 0
    private let counter: GLObjectCounter

    init(counter: GLObjectCounter) {
        self.counter = counter
        glGenBuffers(2, &buffers)
        counter.created(.buffer, 2)
    }

    deinit {
        glDeleteBuffers(2, &buffers)
        counter.deleted(.buffer, 2)
    }

    /// Whether a pipelined read is waiting to be collected.
    var hasPending: Bool { pending.contains { $0 != nil } }

    /// Reads the bound read framebuffer and returns that frame.
    func readNow(_ request: Request) throws(RendererError) -> Frame {
        let slot = capture(request)
        return try collect(slot)
    }

    /// Starts reading the bound read framebuffer and returns the frame the previous
    /// pipelined call started, or nil when there was none.
    func readPipelined(_ request: Request) throws(RendererError) -> Frame? {
        let slot = capture(request)
        let previous = 1 - slot
        guard pending[previous] != nil else { return nil }  // the first pipelined read
        return try collect(previous)
    }

    /// Forgets reads that were started but not collected.
    func discardPending() {
        pending = [nil, nil]
    }

    /// Reads into a buffer with nothing pending, alternating when both are free. At most
    /// one read is pending between calls (`readPipelined` collects the other), so a
    /// `readNow` between pipelined calls never overwrites the pending frame.
    private func capture(_ request: Request) -> Int {
        let slot = pending[nextSlot] == nil ? nextSlot : 1 - nextSlot
        nextSlot = 1 - slot
        glBindBuffer(GLenum(GL_PIXEL_PACK_BUFFER), buffers[slot])
        if capacity[slot] < request.readBytes {
            glBufferData(GLenum(GL_PIXEL_PACK_BUFFER), GLsizeiptr(request.readBytes), nil, GLenum(GL_STREAM_READ))
            capacity[slot] = request.readBytes
        }
        glPixelStorei(GLenum(GL_PACK_ALIGNMENT), 4)
        if request.readBytes > 0 {
            glReadPixels(0, GLint(request.firstRow), GLsizei(request.readWidth), GLsizei(request.readHeight),
                         GLenum(GL_RGBA), GLenum(GL_UNSIGNED_BYTE), nil)
        }
        glBindBuffer(GLenum(GL_PIXEL_PACK_BUFFER), 0)
        pending[slot] = request
        return slot
    }

    private func collect(_ slot: Int) throws(RendererError) -> Frame {
        guard let request = pending[slot] else {
            throw RendererError(.gl, "No pixel read is pending in buffer \(slot)")
        }
        pending[slot] = nil
        if request.readBytes == 0, let base = request.base {
            // Nothing changed since the frame `base` holds.
            return Frame(width: request.frameWidth, height: request.frameHeight, format: request.format,
                         bytes: base, sceneTimeMicros: request.sceneTimeMicros)
        }
        glBindBuffer(GLenum(GL_PIXEL_PACK_BUFFER), buffers[slot])
        defer { glBindBuffer(GLenum(GL_PIXEL_PACK_BUFFER), 0) }
        guard let mapped = glMapBufferRange(GLenum(GL_PIXEL_PACK_BUFFER), 0, GLsizeiptr(request.readBytes),
                                            GLbitfield(GL_MAP_READ_BIT)) else {
            try RendererError.checkGL("glMapBufferRange of the pixel buffer")
            throw RendererError(.gl, "glMapBufferRange returned no memory for a \(request.readBytes)-byte read")
        }
        let source = UnsafeRawBufferPointer(start: mapped, count: request.readBytes)
        let count = request.frameBytes
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { destination, initialized in
            switch request.copy {
            case .toI420:
                let into = UnsafeMutableRawPointer(destination.baseAddress!)
                // A read of some rows goes over the frame before.
                request.base?.withUnsafeBytes { into.copyMemory(from: $0.baseAddress!, byteCount: count) }
                RGBAToI420.convert(
                    bottomUp: source.baseAddress!, width: request.frameWidth, height: request.frameHeight, into: into,
                    glRows: request.firstRow..<request.firstRow + request.readHeight)
            case .flipRows:
                let rowBytes = request.readWidth * 4
                let rows = request.readHeight
                for row in 0..<rows {
                    let from = source.baseAddress! + (rows - 1 - row) * rowBytes
                    (destination.baseAddress! + row * rowBytes).initialize(
                        from: from.assumingMemoryBound(to: UInt8.self), count: rowBytes)
                }
            case .asRead:
                destination.baseAddress!.initialize(
                    from: source.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
            }
            initialized = count
        }
        glUnmapBuffer(GLenum(GL_PIXEL_PACK_BUFFER))
        return Frame(width: request.frameWidth, height: request.frameHeight, format: request.format,
                     bytes: bytes, sceneTimeMicros: request.sceneTimeMicros)
    }
}
