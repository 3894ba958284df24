import CEGL

/// Converts the resolved RGBA image to I420 in one fragment shader pass on the GPU.
///
/// The output is an RGBA8 texture whose bytes, in memory order, are the I420 frame: Y
/// (`w*h`), then U (`w/2 * h/2`), then V, with no padding between planes. Each fragment
/// writes four consecutive bytes, so the frame is read back with the `GL_RGBA` /
/// `GL_UNSIGNED_BYTE` pair every GLES 3 implementation supports for `glReadPixels` (an R8
/// target would depend on the driver's optional second read format). The target is
/// `w/2` texels wide and `ceil(3h/4)` rows high; bytes past the frame's end are padding and
/// are not copied out.
///
/// The source texture holds GL's bottom-up rows; the shader flips them, so the I420 frame
/// runs top to bottom with no CPU work. Colours use BT.601 limited range: Y in 16...235,
/// U and V in 16...240. Chroma is the mean of each 2×2 block, from one bilinear fetch at
/// the block's centre.
///
/// Not `Sendable`: lives on the GL thread inside `GLContext`; `deinit` deletes its objects.
final class GLI420Converter {
    private let program: GLProgram
    private let sourceLocation: GLint
    private let sizeLocation: GLint
    private let rowTexelsLocation: GLint
    private var target: Target?
    private let counter: GLObjectCounter

    private final class Target {
        let width: Int
        let height: Int
        let texelsWide: Int
        let texelsHigh: Int
        private(set) var framebuffer: GLuint = 0
        private(set) var texture: GLuint = 0
        private let counter: GLObjectCounter

        init(width: Int, height: Int, counter: GLObjectCounter) throws(RendererError) {
            self.width = width
            self.height = height
            self.counter = counter
            texelsWide = width / 2
            texelsHigh = (3 * height + 3) / 4
            glGenTextures(1, &texture)
            counter.created(.texture)
            glBindTexture(GLenum(GL_TEXTURE_2D), texture)
            glTexStorage2D(GLenum(GL_TEXTURE_2D), 1, GLenum(GL_RGBA8), GLsizei(texelsWide), GLsizei(texelsHigh))
            glBindTexture(GLenum(GL_TEXTURE_2D), 0)
            glGenFramebuffers(1, &framebuffer)
            counter.created(.framebuffer)
            glBindFramebuffer(GLenum(GL_FRAMEBUFFER), framebuffer)
            glFramebufferTexture2D(GLenum(GL_FRAMEBUFFER), GLenum(GL_COLOR_ATTACHMENT0), GLenum(GL_TEXTURE_2D), texture, 0)
            try RendererError.checkFramebuffer("I420")
            glBindFramebuffer(GLenum(GL_FRAMEBUFFER), 0)
        }

        deinit {
            glDeleteFramebuffers(1, &framebuffer)
            counter.deleted(.framebuffer)
            glDeleteTextures(1, &texture)
            counter.deleted(.texture)
        }
    }

    init(counter: GLObjectCounter) throws(RendererError) {
        self.counter = counter
        program = try GLProgram(label: "I420", vertex: GLProgram.fullscreenVertexShader,
                                fragment: Self.fragmentShader, counter: counter)
        sourceLocation = program.uniform("source")
        sizeLocation = program.uniform("size")
        rowTexelsLocation = program.uniform("rowTexels")
    }

    /// Draws the I420 bytes of `source` into the target and leaves the target bound as
    /// the read framebuffer. Returns the read request for `GLReadback`.
    func convert(_ source: GLFramebuffer, sceneTimeMicros: Int64) throws(RendererError) -> GLReadback.Request {
        if target?.width != source.width || target?.height != source.height {
            target = nil
            target = try Target(width: source.width, height: source.height, counter: counter)
        }
        let target = target!
        glBindFramebuffer(GLenum(GL_FRAMEBUFFER), target.framebuffer)
        glViewport(0, 0, GLsizei(target.texelsWide), GLsizei(target.texelsHigh))
        glDisable(GLenum(GL_DEPTH_TEST))
        glDisable(GLenum(GL_BLEND))
        glUseProgram(program.name)
        glActiveTexture(GLenum(GL_TEXTURE0))
        glBindTexture(GLenum(GL_TEXTURE_2D), source.resolveTexture)
        glUniform1i(sourceLocation, 0)
        glUniform2i(sizeLocation, GLint(source.width), GLint(source.height))
        glUniform1i(rowTexelsLocation, GLint(target.texelsWide))
        glDrawArrays(GLenum(GL_TRIANGLES), 0, 3)
        glBindTexture(GLenum(GL_TEXTURE_2D), 0)
        glUseProgram(0)
        glBindFramebuffer(GLenum(GL_READ_FRAMEBUFFER), target.framebuffer)
        return GLReadback.Request(
            readWidth: target.texelsWide, readHeight: target.texelsHigh, flipRows: false,
            frameWidth: source.width, frameHeight: source.height, format: .i420,
            sceneTimeMicros: sceneTimeMicros)
    }

    /// Frees the size-dependent target (the program stays).
    func releaseTarget() {
        target = nil
    }

    static let fragmentShader = """
        #version 300 es
        precision highp float;
        precision highp int;
        uniform highp sampler2D source; // RGBA8, row 0 at the bottom of the image
        uniform ivec2 size;             // image width and height, both even
        uniform int rowTexels;          // width of the output in texels (4 bytes each)
        out vec4 fourBytes;

        float lumaByte(vec3 c) { return (16.0 + 65.481 * c.r + 128.553 * c.g + 24.966 * c.b) / 255.0; }
        float uByte(vec3 c) { return (128.0 - 37.797 * c.r - 74.203 * c.g + 112.0 * c.b) / 255.0; }
        float vByte(vec3 c) { return (128.0 + 112.0 * c.r - 93.786 * c.g - 18.214 * c.b) / 255.0; }

        // Byte `index` of the I420 frame, whose rows run top to bottom.
        float byteAt(int index) {
            int w = size.x;
            int h = size.y;
            int lumaSize = w * h;
            if (index < lumaSize) {
                int x = index % w;
                int y = index / w;
                return lumaByte(texelFetch(source, ivec2(x, h - 1 - y), 0).rgb);
            }
            int cw = w / 2;
            int chromaSize = cw * (h / 2);
            int i = index - lumaSize;
            bool isV = i >= chromaSize;
            if (isV) { i -= chromaSize; }
            if (i >= chromaSize) { return 0.0; } // padding past the end of V
            int cx = i % cw;
            int cy = i / cw;
            // The corner shared by the 2x2 block's texels: a bilinear fetch averages them.
            vec2 corner = vec2(float(2 * cx + 1), float(h - 1 - 2 * cy)) / vec2(size);
            vec3 c = texture(source, corner).rgb;
            return isV ? vByte(c) : uByte(c);
        }

        // One code path for every byte: llvmpipe runs all branches of a fragment shader
        // under masks, so "fast paths" that skip work on a GPU cost more on a CPU.
        void main() {
            ivec2 p = ivec2(gl_FragCoord.xy);
            int base = (p.y * rowTexels + p.x) * 4;
            fourBytes = vec4(byteAt(base), byteAt(base + 1), byteAt(base + 2), byteAt(base + 3));
        }
        """
}
