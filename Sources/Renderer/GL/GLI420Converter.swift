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
/// Two ways to fill the target:
/// - **Plane by plane** when width and height are multiples of 8 (720p, 1080p and most
///   sizes): then every texel holds four bytes of one row of one plane, and the Y rows, the
///   U rows and the V rows each fill whole texel rows. Three small draws, one per plane,
///   each with a straight-line shader (four fetches, no branches) clipped to its rows.
/// - **Byte by byte** otherwise: one draw whose shader finds each byte's plane and pixel.
///   On llvmpipe it costs several times the plane pass, since a CPU runs every branch.
///
/// Not `Sendable`: lives on the GL thread inside `GLContext`; `deinit` deletes its objects.
final class GLI420Converter {
    private let program: GLProgram
    private let sourceLocation: GLint
    private let sizeLocation: GLint
    private let rowTexelsLocation: GLint
    private let lumaProgram: GLProgram
    private let chromaProgram: GLProgram
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
        lumaProgram = try GLProgram(label: "I420 luma", vertex: GLProgram.fullscreenVertexShader,
                                    fragment: Self.lumaShader, counter: counter)
        chromaProgram = try GLProgram(label: "I420 chroma", vertex: GLProgram.fullscreenVertexShader,
                                      fragment: Self.chromaShader, counter: counter)
    }

    /// True when the planes fill whole texel rows and four bytes never straddle two rows.
    static func planePassFits(width: Int, height: Int) -> Bool {
        width % 8 == 0 && height % 8 == 0
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
        glActiveTexture(GLenum(GL_TEXTURE0))
        glBindTexture(GLenum(GL_TEXTURE_2D), source.resolveTexture)
        if Self.planePassFits(width: source.width, height: source.height) {
            drawPlanes(width: source.width, height: source.height, texelsWide: target.texelsWide)
        } else {
            glUseProgram(program.name)
            glUniform1i(sourceLocation, 0)
            glUniform2i(sizeLocation, GLint(source.width), GLint(source.height))
            glUniform1i(rowTexelsLocation, GLint(target.texelsWide))
            glDrawArrays(GLenum(GL_TRIANGLES), 0, 3)
        }
        glBindTexture(GLenum(GL_TEXTURE_2D), 0)
        glUseProgram(0)
        glBindFramebuffer(GLenum(GL_READ_FRAMEBUFFER), target.framebuffer)
        return GLReadback.Request(
            readWidth: target.texelsWide, readHeight: target.texelsHigh, copy: .asRead,
            frameWidth: source.width, frameHeight: source.height, format: .i420,
            sceneTimeMicros: sceneTimeMicros)
    }

    /// Y in texel rows [0, h/2), U in [h/2, h/2 + h/8), V in [h/2 + h/8, 3h/4): one draw each,
    /// clipped to its rows by the viewport.
    private func drawPlanes(width w: Int, height h: Int, texelsWide: Int) {
        glUseProgram(lumaProgram.name)
        glUniform1i(lumaProgram.uniform("source"), 0)
        glUniform2i(lumaProgram.uniform("size"), GLint(w), GLint(h))
        glViewport(0, 0, GLsizei(texelsWide), GLsizei(h / 2))
        glDrawArrays(GLenum(GL_TRIANGLES), 0, 3)
        glUseProgram(chromaProgram.name)
        glUniform1i(chromaProgram.uniform("source"), 0)
        glUniform2i(chromaProgram.uniform("size"), GLint(w), GLint(h))
        let u = SIMD3<Float>(-37.797, -74.203, 112.0)
        let v = SIMD3<Float>(112.0, -93.786, -18.214)
        for (plane, coefficients) in [(0, u), (1, v)] {
            let firstRow = h / 2 + plane * (h / 8)
            glUniform1i(chromaProgram.uniform("firstRow"), GLint(firstRow))
            glUniform3f(chromaProgram.uniform("coefficients"), coefficients.x, coefficients.y, coefficients.z)
            glViewport(0, GLint(firstRow), GLsizei(texelsWide), GLsizei(h / 8))
            glDrawArrays(GLenum(GL_TRIANGLES), 0, 3)
        }
    }

    /// Four luma bytes of one image row per texel: texel (tx, ty) holds row 2ty + tx / (w/4),
    /// pixels 4 (tx mod w/4) onwards. Row 0 of the image is GL's row h - 1.
    static let lumaShader = """
        #version 300 es
        precision highp float;
        precision highp int;
        uniform highp sampler2D source;
        uniform ivec2 size;
        out vec4 fourBytes;
        const vec3 luma = vec3(65.481, 128.553, 24.966) / 255.0;
        void main() {
            ivec2 p = ivec2(gl_FragCoord.xy);
            int perRow = size.x / 4;
            int row = 2 * p.y + p.x / perRow;
            ivec2 at = ivec2((p.x % perRow) * 4, size.y - 1 - row);
            fourBytes = 16.0 / 255.0 + vec4(
                dot(texelFetch(source, at, 0).rgb, luma), dot(texelFetch(source, at + ivec2(1, 0), 0).rgb, luma),
                dot(texelFetch(source, at + ivec2(2, 0), 0).rgb, luma), dot(texelFetch(source, at + ivec2(3, 0), 0).rgb, luma));
        }
        """

    /// Four U (or V) bytes of one chroma row per texel, each the bilinear mean of a 2×2 block.
    static let chromaShader = """
        #version 300 es
        precision highp float;
        precision highp int;
        uniform highp sampler2D source;
        uniform ivec2 size;
        uniform int firstRow;       // the plane's first texel row
        uniform vec3 coefficients;  // BT.601 U or V weights of R, G, B
        out vec4 fourBytes;
        void main() {
            ivec2 p = ivec2(gl_FragCoord.xy);
            int perRow = size.x / 8;
            int row = 4 * (p.y - firstRow) + p.x / perRow;
            int cx = (p.x % perRow) * 4;
            vec2 texel = 1.0 / vec2(size);
            // The corner shared by block (cx, row)'s four texels, in texture coordinates.
            vec2 corner = vec2(float(2 * cx + 1), float(size.y - 1 - 2 * row)) * texel;
            vec3 w = coefficients / 255.0;
            fourBytes = 128.0 / 255.0 + vec4(
                dot(texture(source, corner).rgb, w), dot(texture(source, corner + vec2(2.0 * texel.x, 0.0)).rgb, w),
                dot(texture(source, corner + vec2(4.0 * texel.x, 0.0)).rgb, w), dot(texture(source, corner + vec2(6.0 * texel.x, 0.0)).rgb, w));
        }
        """

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
