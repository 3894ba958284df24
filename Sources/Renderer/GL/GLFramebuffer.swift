import CEGL

/// The offscreen target the renderer draws into.
///
/// With `samples > 0`: a multisampled framebuffer (RGBA8 colour and 24-bit depth
/// renderbuffers) that `resolve()` blits into a single-sample framebuffer whose colour is
/// a texture, so later passes (the I420 conversion) can sample it. With `samples == 0`,
/// drawing goes straight into the single-sample framebuffer, which then carries the depth.
///
/// Not `Sendable`: created and released on the GL thread inside `GLContext`; `deinit`
/// deletes every GL object it made.
final class GLFramebuffer {
    let width: Int
    let height: Int
    let samples: Int
    /// Where draws go.
    var drawFramebuffer: GLuint { multisampleFramebuffer ?? resolveFramebuffer }
    /// The single-sample framebuffer with the final image; read pixels from here.
    let resolveFramebuffer: GLuint
    /// The colour texture of `resolveFramebuffer` (RGBA8, linear filtering, clamped).
    let resolveTexture: GLuint

    private let multisampleFramebuffer: GLuint?
    private let renderbuffers: [GLuint]
    private let counter: GLObjectCounter

    init(width: Int, height: Int, samples: Int, counter: GLObjectCounter) throws(RendererError) {
        self.width = width
        self.height = height
        self.samples = samples
        self.counter = counter
        let w = GLsizei(width)
        let h = GLsizei(height)

        var texture: GLuint = 0
        glGenTextures(1, &texture)
        counter.created(.texture)
        glBindTexture(GLenum(GL_TEXTURE_2D), texture)
        glTexStorage2D(GLenum(GL_TEXTURE_2D), 1, GLenum(GL_RGBA8), w, h)
        for (parameter, value) in [
            (GL_TEXTURE_MIN_FILTER, GL_LINEAR), (GL_TEXTURE_MAG_FILTER, GL_LINEAR),
            (GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE), (GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE),
        ] {
            glTexParameteri(GLenum(GL_TEXTURE_2D), GLenum(parameter), value)
        }
        glBindTexture(GLenum(GL_TEXTURE_2D), 0)
        resolveTexture = texture

        var framebuffers = [GLuint](repeating: 0, count: samples > 0 ? 2 : 1)
        glGenFramebuffers(GLsizei(framebuffers.count), &framebuffers)
        counter.created(.framebuffer, framebuffers.count)
        resolveFramebuffer = framebuffers[0]
        multisampleFramebuffer = samples > 0 ? framebuffers[1] : nil

        var names = [GLuint](repeating: 0, count: samples > 0 ? 2 : 1)
        glGenRenderbuffers(GLsizei(names.count), &names)
        counter.created(.renderbuffer, names.count)
        renderbuffers = names

        // From here on `deinit` cleans up if a completeness check throws.
        glBindFramebuffer(GLenum(GL_FRAMEBUFFER), resolveFramebuffer)
        glFramebufferTexture2D(GLenum(GL_FRAMEBUFFER), GLenum(GL_COLOR_ATTACHMENT0), GLenum(GL_TEXTURE_2D), texture, 0)
        if let multisampleFramebuffer {
            try RendererError.checkFramebuffer("resolve")
            glBindRenderbuffer(GLenum(GL_RENDERBUFFER), names[0])
            glRenderbufferStorageMultisample(GLenum(GL_RENDERBUFFER), GLsizei(samples), GLenum(GL_RGBA8), w, h)
            glBindRenderbuffer(GLenum(GL_RENDERBUFFER), names[1])
            glRenderbufferStorageMultisample(GLenum(GL_RENDERBUFFER), GLsizei(samples), GLenum(GL_DEPTH_COMPONENT24), w, h)
            glBindFramebuffer(GLenum(GL_FRAMEBUFFER), multisampleFramebuffer)
            glFramebufferRenderbuffer(GLenum(GL_FRAMEBUFFER), GLenum(GL_COLOR_ATTACHMENT0), GLenum(GL_RENDERBUFFER), names[0])
            glFramebufferRenderbuffer(GLenum(GL_FRAMEBUFFER), GLenum(GL_DEPTH_ATTACHMENT), GLenum(GL_RENDERBUFFER), names[1])
            try RendererError.checkFramebuffer("\(samples)x multisampled")
        } else {
            glBindRenderbuffer(GLenum(GL_RENDERBUFFER), names[0])
            glRenderbufferStorage(GLenum(GL_RENDERBUFFER), GLenum(GL_DEPTH_COMPONENT24), w, h)
            glFramebufferRenderbuffer(GLenum(GL_FRAMEBUFFER), GLenum(GL_DEPTH_ATTACHMENT), GLenum(GL_RENDERBUFFER), names[0])
            try RendererError.checkFramebuffer("single-sample")
        }
        glBindRenderbuffer(GLenum(GL_RENDERBUFFER), 0)
        glBindFramebuffer(GLenum(GL_FRAMEBUFFER), 0)
    }

    deinit {
        var framebuffers = [resolveFramebuffer] + (multisampleFramebuffer.map { [$0] } ?? [])
        glDeleteFramebuffers(GLsizei(framebuffers.count), &framebuffers)
        counter.deleted(.framebuffer, framebuffers.count)
        var names = renderbuffers
        glDeleteRenderbuffers(GLsizei(names.count), &names)
        counter.deleted(.renderbuffer, names.count)
        var texture = resolveTexture
        glDeleteTextures(1, &texture)
        counter.deleted(.texture)
    }

    /// Binds the draw framebuffer and sets the viewport to cover it.
    func bindForDrawing() {
        glBindFramebuffer(GLenum(GL_FRAMEBUFFER), drawFramebuffer)
        glViewport(0, 0, GLsizei(width), GLsizei(height))
    }

    /// Copies the drawn image, colour and depth, into `other`'s draw framebuffer (same
    /// size and sample count), and leaves `other` bound for drawing.
    func copyDrawn(to other: GLFramebuffer) {
        copyDrawn(to: other, x: 0..<width, y: 0..<height)
    }

    /// Copies colour and depth of the pixels in columns `x` and GL rows `y` (bottom-up) to
    /// the same pixels of `other`, which must have the same size and samples; `other` is
    /// bound for drawing after.
    func copyDrawn(to other: GLFramebuffer, x: Range<Int>, y: Range<Int>) {
        precondition(width == other.width && height == other.height && samples == other.samples)
        glBindFramebuffer(GLenum(GL_READ_FRAMEBUFFER), drawFramebuffer)
        glBindFramebuffer(GLenum(GL_DRAW_FRAMEBUFFER), other.drawFramebuffer)
        let (x0, x1, y0, y1) = (GLint(x.lowerBound), GLint(x.upperBound), GLint(y.lowerBound), GLint(y.upperBound))
        glBlitFramebuffer(x0, y0, x1, y1, x0, y0, x1, y1, GLbitfield(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT), GLenum(GL_NEAREST))
        other.bindForDrawing()
    }

    /// Resolves the multisampled image into `resolveTexture` (nothing to do without MSAA).
    func resolve() {
        guard let multisampleFramebuffer else { return }
        glBindFramebuffer(GLenum(GL_READ_FRAMEBUFFER), multisampleFramebuffer)
        glBindFramebuffer(GLenum(GL_DRAW_FRAMEBUFFER), resolveFramebuffer)
        let w = GLint(width)
        let h = GLint(height)
        glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GLbitfield(GL_COLOR_BUFFER_BIT), GLenum(GL_NEAREST))
        glBindFramebuffer(GLenum(GL_FRAMEBUFFER), 0)
    }
}
