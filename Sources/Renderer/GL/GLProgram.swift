import CEGL
import SceneLedger

/// A linked GLSL ES 3.00 program.
///
/// Not `Sendable`: created and released on the GL thread inside `GLContext`. Compile and
/// link failures become `RendererError.shader` with the driver's info log.
final class GLProgram {
    let name: GLuint
    let label: String
    private let counter: GLObjectCounter

    init(label: String, vertex: String, fragment: String, counter: GLObjectCounter) throws(RendererError) {
        let vertexShader = try Self.compile(vertex, type: GLenum(GL_VERTEX_SHADER), label: label, counter: counter)
        defer { Self.deleteShader(vertexShader, counter: counter) }
        let fragmentShader = try Self.compile(fragment, type: GLenum(GL_FRAGMENT_SHADER), label: label, counter: counter)
        defer { Self.deleteShader(fragmentShader, counter: counter) }

        let program = glCreateProgram()
        guard program != 0 else {
            throw RendererError(.shader, "glCreateProgram failed for the \(label) program")
        }
        counter.created(.program)
        glAttachShader(program, vertexShader)
        glAttachShader(program, fragmentShader)
        glLinkProgram(program)
        glDetachShader(program, vertexShader)
        glDetachShader(program, fragmentShader)
        var linked: GLint = 0
        glGetProgramiv(program, GLenum(GL_LINK_STATUS), &linked)
        guard linked == GL_TRUE else {
            let log = Self.infoLog(program, isProgram: true)
            glDeleteProgram(program)
            counter.deleted(.program)
            throw RendererError(.shader, "The \(label) program failed to link", underlying: CErrorMessage(log))
        }
        self.name = program
        self.label = label
        self.counter = counter
    }

    deinit {
        glDeleteProgram(name)
        counter.deleted(.program)
    }

    /// A vertex shader for one triangle that covers the viewport: draw 3 vertices with no
    /// attributes (`glDrawArrays(GL_TRIANGLES, 0, 3)`).
    static let fullscreenVertexShader = """
        #version 300 es
        void main() {
            vec2 corner = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
            gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
        }
        """

    /// The location of a uniform; -1 (ignored by glUniform*) when the linker removed it.
    func uniform(_ uniformName: String) -> GLint {
        glGetUniformLocation(name, uniformName)
    }

    private static func compile(_ source: String, type: GLenum, label: String, counter: GLObjectCounter) throws(RendererError) -> GLuint {
        let stage = type == GLenum(GL_VERTEX_SHADER) ? "vertex" : "fragment"
        let shader = glCreateShader(type)
        guard shader != 0 else {
            throw RendererError(.shader, "glCreateShader failed for the \(label) \(stage) shader")
        }
        counter.created(.shader)
        source.withCString { text in
            var pointer: UnsafePointer<GLchar>? = text
            glShaderSource(shader, 1, &pointer, nil)
        }
        glCompileShader(shader)
        var compiled: GLint = 0
        glGetShaderiv(shader, GLenum(GL_COMPILE_STATUS), &compiled)
        guard compiled == GL_TRUE else {
            let log = infoLog(shader, isProgram: false)
            deleteShader(shader, counter: counter)
            throw RendererError(.shader, "The \(label) \(stage) shader failed to compile", underlying: CErrorMessage(log))
        }
        return shader
    }

    private static func deleteShader(_ shader: GLuint, counter: GLObjectCounter) {
        glDeleteShader(shader)
        counter.deleted(.shader)
    }

    private static func infoLog(_ object: GLuint, isProgram: Bool) -> String {
        var length: GLint = 0
        if isProgram {
            glGetProgramiv(object, GLenum(GL_INFO_LOG_LENGTH), &length)
        } else {
            glGetShaderiv(object, GLenum(GL_INFO_LOG_LENGTH), &length)
        }
        guard length > 1 else { return "(no info log)" }
        var buffer = [GLchar](repeating: 0, count: Int(length))
        var written: GLsizei = 0
        if isProgram {
            glGetProgramInfoLog(object, length, &written, &buffer)
        } else {
            glGetShaderInfoLog(object, length, &written, &buffer)
        }
        let bytes = buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
