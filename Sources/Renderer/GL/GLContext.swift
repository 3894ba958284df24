import CEGL
package import Logging
import SceneLedger

/// An offscreen OpenGL ES 3 context on a dedicated thread.
///
/// The actor's executor is a `ThreadExecutor`: every method runs on one OS thread, where
/// the EGL context is current, and no GL call happens anywhere else. All GL objects are
/// owned by non-`Sendable` classes stored here, created and released on that thread.
///
/// Drawing goes into a framebuffer with depth and (by default) 4× MSAA; reads resolve it
/// and return `Frame`s whose rows run top to bottom, as RGBA or as I420 converted on the
/// GPU. Width and height must be even, since I420 halves both.
///
/// `close()` (or the last release, through the isolated `deinit`) deletes every GL object
/// and destroys the EGL context; the thread exits when the actor is released.
package actor GLContext {
    private let executor: ThreadExecutor
    let logger: Logger
    /// Live GL objects by kind; back to zero after `close()`.
    let counter = GLObjectCounter()

    private var session: EGLSession?
    private var framebuffer: GLFramebuffer?
    private var readback: GLReadback?
    private var converter: GLI420Converter?
    private var testPattern: GLTestPattern?
    /// The scene renderer's GPU resources (meshes, programs, instance data), owned here so
    /// they are created and freed on this thread.
    var gpuScene: GPUScene?
    /// Where the scene's models come from (`ModelLibrary`), shared with every other renderer.
    let library: ModelLibrary
    private var glInfo: GLInfo?
    private var maxSize = 0
    /// The scene time of the frame being drawn.
    private var sceneTimeMicros: Int64 = 0
    /// True when the multisampled image has changed since the last resolve.
    private var needsResolve = true
    /// The last frame `readFrameI420` returned, and the GL rows drawn since (nil: anything
    /// may have changed): on the CPU path the next read converts only those rows again.
    private var lastI420: Frame?
    private var rowsDrawnSinceI420: Range<Int>?
    /// How `readFrameI420` converts: chosen from the renderer at set-up.
    package private(set) var i420Path = I420Path.shader

    /// Overrides the I420 path chosen at set-up (tests run both on one machine).
    package func useI420Path(_ path: I420Path) {
        i420Path = path
    }

    nonisolated package var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private init(library: ModelLibrary, logger: Logger) {
        executor = ThreadExecutor(name: "gl")
        self.library = library
        self.logger = logger
    }

    /// Starts the GL thread and creates a context with a `width`×`height` framebuffer.
    /// `samples` is the MSAA sample count (0 for none), capped at the driver's maximum; nil
    /// (the default) is `auto`: 4 on a GPU, none on a CPU rasterizer such as llvmpipe, where
    /// 4× MSAA triples the frame time (`GLInfo.autoSamples`). `info` reports the choice.
    /// `platform` forces an EGL platform; nil prefers an NVIDIA device, then surfaceless.
    /// `models` is the library the scene draws its models from (the process's, shared by
    /// every renderer; by default the built-in equipment only).
    package static func make(
        width: Int, height: Int, samples: Int? = nil, platform: GLInfo.Platform? = nil,
        models: ModelLibrary = .builtinsOnly, logger: Logger
    ) async throws(RendererError) -> GLContext {
        try validate(width: width, height: height, max: nil)
        if let samples, samples < 0 {
            throw RendererError(.invalidArgument, "The MSAA sample count must be 0 or more, not \(samples)")
        }
        let context = GLContext(library: models, logger: logger)
        do throws(RendererError) {
            try await context.setUp(width: width, height: height, samples: samples, platform: platform)
        } catch {
            await context.close()
            throw error
        }
        return context
    }

    private func setUp(width: Int, height: Int, samples asked: Int?, platform: GLInfo.Platform?) throws(RendererError) {
        let session = try EGLSession(platform: platform, logger: logger)
        self.session = session
        var maxSamples: GLint = 0
        glGetIntegerv(GLenum(GL_MAX_SAMPLES), &maxSamples)
        var maxRenderbuffer: GLint = 0
        glGetIntegerv(GLenum(GL_MAX_RENDERBUFFER_SIZE), &maxRenderbuffer)
        var maxTexture: GLint = 0
        glGetIntegerv(GLenum(GL_MAX_TEXTURE_SIZE), &maxTexture)
        maxSize = Int(min(maxRenderbuffer, maxTexture))
        try Self.validate(width: width, height: height, max: maxSize)
        let rendererName = Self.string(GL_RENDERER)
        let requested = asked ?? GLInfo.autoSamples(renderer: rendererName)
        let samples = min(requested, Int(maxSamples))
        if samples < requested {
            logger.warning("MSAA sample count capped by the driver", metadata: [
                "requested": "\(requested)", "used": "\(samples)",
            ])
        }
        var info = GLInfo(
            platform: session.selection.platform,
            vendor: Self.string(GL_VENDOR), renderer: rendererName, version: Self.string(GL_VERSION),
            samples: samples)
        info.samplesPolicy = asked == nil ? "auto" : "requested"
        glInfo = info
        i420Path = .auto(softwareRasterizer: info.isSoftwareRasterizer)
        readback = GLReadback(counter: counter)
        testPattern = try GLTestPattern(counter: counter)
        converter = try GLI420Converter(counter: counter)
        framebuffer = try GLFramebuffer(width: width, height: height, samples: samples, counter: counter)
        try RendererError.checkGL("context set-up")
        logger.info("GL context ready", metadata: [
            "platform": "\(info.platform.rawValue)", "vendor": "\(info.vendor)", "renderer": "\(info.renderer)",
            "version": "\(info.version)", "samples": "\(samples) (\(info.samplesPolicy))", "egl": "\(session.selection.detail)",
            "i420": "\(i420Path.rawValue)",
        ])
    }

    /// Deletes every GL object and the EGL context. Later calls throw `closed`; the
    /// thread itself exits when the actor is released. Safe to call more than once.
    package func close() {
        releaseGL()
    }

    /// Runs on the GL thread (an isolated deinit hops to the actor's executor), so GL
    /// objects are deleted where their context is current; then the thread exits.
    isolated deinit {
        releaseGL()
        executor.shutdown()
    }

    /// GL objects first, the EGL context (which they need) last.
    private func releaseGL() {
        guard session != nil else { return }
        gpuScene = nil
        framebuffer = nil
        readback = nil
        converter = nil
        testPattern = nil
        session = nil
    }

    // MARK: - State

    /// Where the context runs: platform, vendor, renderer, version and MSAA samples.
    package var info: GLInfo {
        get throws(RendererError) {
            guard let glInfo, session != nil else { throw Self.closedError }
            return glInfo
        }
    }

    /// The framebuffer's size.
    package var size: (width: Int, height: Int) {
        get throws(RendererError) {
            let framebuffer = try requireFramebuffer()
            return (framebuffer.width, framebuffer.height)
        }
    }

    /// The number of live GL objects this context made (framebuffers, renderbuffers,
    /// textures, buffers, programs, shaders). Zero after `close()`.
    package var liveObjectCount: Int { counter.total }

    /// Live GL objects by kind, omitting kinds at zero.
    package var liveObjects: [String: Int] { counter.snapshot }

    // MARK: - Drawing

    /// Replaces the framebuffer with one of the new size. Reads already started with
    /// `readFramePipelined` stay valid and keep their old size.
    package func resize(width: Int, height: Int) throws(RendererError) {
        let current = try requireFramebuffer()
        try Self.validate(width: width, height: height, max: maxSize)
        guard width != current.width || height != current.height else { return }
        let samples = current.samples
        framebuffer = nil
        framebuffer = try GLFramebuffer(width: width, height: height, samples: samples, counter: counter)
        needsResolve = true
        lastI420 = nil
        drewEverywhere()
        try RendererError.checkGL("resize to \(width)x\(height)")
    }

    /// Clears colour (components in 0...1) and depth, starting a frame for `sceneTimeMicros`.
    package func clear(red: Float, green: Float, blue: Float, alpha: Float = 1, sceneTimeMicros: Int64 = 0) throws(RendererError) {
        let framebuffer = try requireFramebuffer()
        framebuffer.bindForDrawing()
        glDepthMask(GLboolean(GL_TRUE))
        glColorMask(GLboolean(GL_TRUE), GLboolean(GL_TRUE), GLboolean(GL_TRUE), GLboolean(GL_TRUE))
        glClearColor(red, green, blue, alpha)
        glClearDepthf(1)
        glClear(GLbitfield(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT))
        self.sceneTimeMicros = sceneTimeMicros
        needsResolve = true
        drewEverywhere()
        try RendererError.checkGL("clear")
    }

    /// Runs `body` with the frame's framebuffer bound for drawing, starting a frame for
    /// `sceneTimeMicros`. For drawing code inside this module (the scene renderer): its
    /// statistics say which rows it changed (`RenderStats.changedRows`).
    func drawFrame(sceneTimeMicros: Int64, _ body: (_ target: GLFramebuffer) throws(RendererError) -> RenderStats) throws(RendererError) -> RenderStats {
        let framebuffer = try requireFramebuffer()
        framebuffer.bindForDrawing()
        let drawnBefore = rowsDrawnSinceI420
        rowsDrawnSinceI420 = nil  // until the body has drawn what it says
        let stats = try body(framebuffer)
        if let rows = stats.changedRows, let before = drawnBefore {
            // The rows of both draws, and those between: one read covers them.
            rowsDrawnSinceI420 = before.isEmpty ? rows : rows.isEmpty ? before : min(before.lowerBound, rows.lowerBound)..<max(before.upperBound, rows.upperBound)
        }
        self.sceneTimeMicros = sceneTimeMicros
        needsResolve = true
        try RendererError.checkGL("scene frame")
        return stats
    }

    /// Something may have changed anywhere in the framebuffer: the next I420 read converts
    /// it whole, and the scene no longer knows what the framebuffer holds.
    private func drewEverywhere() {
        rowsDrawnSinceI420 = nil
        gpuScene?.heldFrameParticles = nil
    }

    /// Draws four flat quadrants over the whole frame, split at the middle: top left red
    /// (255, 0, 0), top right green (0, 255, 0), bottom left blue (0, 0, 255), bottom right
    /// white; all opaque. "Top" is row 0 of a frame.
    package func drawTestPattern(sceneTimeMicros: Int64 = 0) throws(RendererError) {
        let framebuffer = try requireFramebuffer()
        guard let testPattern else { throw Self.closedError }
        testPattern.draw(into: framebuffer)
        self.sceneTimeMicros = sceneTimeMicros
        needsResolve = true
        drewEverywhere()
        try RendererError.checkGL("test pattern")
    }

    /// Waits until the GL work queued so far has finished (for benchmarks that time
    /// drawing apart from reading).
    package func finish() throws(RendererError) {
        _ = try requireFramebuffer()
        glFinish()
    }

    // MARK: - Reading frames

    /// Reads the frame drawn so far as RGBA, waiting for the copy to finish.
    package func readFrameRGBA() throws(RendererError) -> Frame {
        let (readback, request) = try prepareRead(.rgba)
        let frame = try readback.readNow(request)
        try RendererError.checkGL("RGBA readback")
        return frame
    }

    /// Converts the frame drawn so far to I420 (on the GPU or the CPU: `i420Path`) and
    /// reads it, waiting for the copy. On the CPU path, when the frame was drawn over the
    /// one this last returned and changed only some rows, only those are read and converted.
    package func readFrameI420() throws(RendererError) -> Frame {
        let (readback, request) = try prepareRead(.i420, overLast: true)
        let frame = try readback.readNow(request)
        try RendererError.checkGL("I420 readback")
        lastI420 = frame
        rowsDrawnSinceI420 = 0..<0
        return frame
    }

    /// Starts reading the frame drawn so far and returns the frame the *previous*
    /// pipelined call started (nil on the first call), so the GPU copy overlaps the next
    /// frame's drawing. Each frame carries its own size and scene time.
    package func readFramePipelined(_ format: Frame.Format) throws(RendererError) -> Frame? {
        let (readback, request) = try prepareRead(format)
        if format == .i420 { lastI420 = nil }
        let frame = try readback.readPipelined(request)
        try RendererError.checkGL("pipelined \(format.rawValue) readback")
        return frame
    }

    /// Resolves MSAA, runs the I420 pass if asked, binds the read framebuffer and
    /// describes the read: with `overLast`, of only the rows drawn since `lastI420` where
    /// the CPU converts.
    private func prepareRead(_ format: Frame.Format, overLast: Bool = false) throws(RendererError) -> (GLReadback, GLReadback.Request) {
        let framebuffer = try requireFramebuffer()
        guard let readback, let converter else { throw Self.closedError }
        if needsResolve {
            framebuffer.resolve()
            needsResolve = false
        }
        if format == .i420, i420Path == .shader {
            return (readback, try converter.convert(framebuffer, sceneTimeMicros: sceneTimeMicros))
        }
        // The RGBA image itself, flipped, or converted to I420 on the CPU.
        glBindFramebuffer(GLenum(GL_READ_FRAMEBUFFER), framebuffer.resolveFramebuffer)
        var request = GLReadback.Request(
            readWidth: framebuffer.width, readHeight: framebuffer.height, copy: format == .i420 ? .toI420 : .flipRows,
            frameWidth: framebuffer.width, frameHeight: framebuffer.height, format: format,
            sceneTimeMicros: sceneTimeMicros)
        if format == .i420, overLast, let last = lastI420, let rows = rowsDrawnSinceI420,
           last.width == framebuffer.width, last.height == framebuffer.height {
            // Whole row pairs: a chroma row covers two image rows.
            let pairs = rows.isEmpty ? 0..<0 : (rows.lowerBound & ~1)..<min(framebuffer.height, (rows.upperBound + 1) & ~1)
            request.firstRow = pairs.lowerBound
            request.readHeight = pairs.count
            request.base = last.bytes
        }
        return (readback, request)
    }

    // MARK: - Helpers

    private func requireFramebuffer() throws(RendererError) -> GLFramebuffer {
        guard session != nil, let framebuffer else { throw Self.closedError }
        return framebuffer
    }

    private static var closedError: RendererError {
        RendererError(.closed, "The GL context is closed")
    }

    private static func validate(width: Int, height: Int, max: Int?) throws(RendererError) {
        guard width > 0, height > 0 else {
            throw RendererError(.invalidArgument, "Frame size \(width)x\(height) must be positive")
        }
        guard width % 2 == 0, height % 2 == 0 else {
            throw RendererError(.invalidArgument, "Frame size \(width)x\(height) must have an even width and height (I420 halves both)")
        }
        if let max, width > max || height > max {
            throw RendererError(.invalidArgument, "Frame size \(width)x\(height) exceeds the driver's limit of \(max)")
        }
    }

    private static func string(_ name: Int32) -> String {
        guard let raw = glGetString(GLenum(name)) else { return "unknown" }
        return String(cString: raw)
    }
}
