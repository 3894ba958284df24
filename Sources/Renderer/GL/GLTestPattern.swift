import CEGL

/// A fixed image for checking the pipeline end to end: four flat quadrants, split at
/// `width/2` and `height/2`. Top left red, top right green, bottom left blue, bottom right
/// white, all opaque. "Top" is row 0 of a frame.
///
/// Not `Sendable`: lives on the GL thread inside `GLContext`.
final class GLTestPattern {
    private let program: GLProgram
    private let sizeLocation: GLint

    init(counter: GLObjectCounter) throws(RendererError) {
        program = try GLProgram(label: "test pattern", vertex: GLProgram.fullscreenVertexShader,
                                fragment: Self.fragmentShader, counter: counter)
        sizeLocation = program.uniform("size")
    }

    /// Draws the pattern over the whole of `framebuffer`.
    func draw(into framebuffer: GLFramebuffer) {
        framebuffer.bindForDrawing()
        glDisable(GLenum(GL_DEPTH_TEST))
        glDisable(GLenum(GL_BLEND))
        glUseProgram(program.name)
        glUniform2f(sizeLocation, GLfloat(framebuffer.width), GLfloat(framebuffer.height))
        glDrawArrays(GLenum(GL_TRIANGLES), 0, 3)
        glUseProgram(0)
    }

    // gl_FragCoord.y grows upwards, so the image's top half is y >= height/2.
    static let fragmentShader = """
        #version 300 es
        precision highp float;
        uniform vec2 size;
        out vec4 color;
        void main() {
            bool left = gl_FragCoord.x < size.x * 0.5;
            bool top = gl_FragCoord.y >= size.y * 0.5;
            if (top) {
                color = left ? vec4(1.0, 0.0, 0.0, 1.0) : vec4(0.0, 1.0, 0.0, 1.0);
            } else {
                color = left ? vec4(0.0, 0.0, 1.0, 1.0) : vec4(1.0, 1.0, 1.0, 1.0);
            }
        }
        """
}
