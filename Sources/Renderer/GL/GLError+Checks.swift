import CEGL

extension RendererError {
    /// Drains `glGetError` and throws the first error, naming the operation that raised it.
    /// Called once per public operation, at the boundary, not after every GL call.
    static func checkGL(_ operation: String) throws(RendererError) {
        var first: GLenum = GLenum(GL_NO_ERROR)
        // GL may queue several flags; drain them all so the next check starts clean.
        for _ in 0..<16 {
            let status = glGetError()
            if status == GLenum(GL_NO_ERROR) { break }
            if first == GLenum(GL_NO_ERROR) { first = status }
        }
        if first != GLenum(GL_NO_ERROR) {
            throw RendererError(.gl, "OpenGL reported \(glErrorName(first)) during \(operation)",
                          underlying: GLStatus(call: operation, status: first))
        }
    }

    /// An EGL failure, with `eglGetError` as the cause.
    static func egl(_ message: String, call: String) -> RendererError {
        let status = UInt32(bitPattern: eglGetError())
        return RendererError(.egl, "\(message): \(eglErrorName(status))", underlying: GLStatus(call: call, status: status))
    }

    static func glErrorName(_ status: GLenum) -> String {
        switch Int32(bitPattern: status) {
        case GL_INVALID_ENUM: "GL_INVALID_ENUM"
        case GL_INVALID_VALUE: "GL_INVALID_VALUE"
        case GL_INVALID_OPERATION: "GL_INVALID_OPERATION"
        case GL_INVALID_FRAMEBUFFER_OPERATION: "GL_INVALID_FRAMEBUFFER_OPERATION"
        case GL_OUT_OF_MEMORY: "GL_OUT_OF_MEMORY"
        default: "GL error 0x\(String(status, radix: 16))"
        }
    }

    static func eglErrorName(_ status: UInt32) -> String {
        switch Int32(bitPattern: status) {
        case EGL_SUCCESS: "EGL_SUCCESS"
        case EGL_NOT_INITIALIZED: "EGL_NOT_INITIALIZED"
        case EGL_BAD_ACCESS: "EGL_BAD_ACCESS"
        case EGL_BAD_ALLOC: "EGL_BAD_ALLOC"
        case EGL_BAD_ATTRIBUTE: "EGL_BAD_ATTRIBUTE"
        case EGL_BAD_CONFIG: "EGL_BAD_CONFIG"
        case EGL_BAD_CONTEXT: "EGL_BAD_CONTEXT"
        case EGL_BAD_DISPLAY: "EGL_BAD_DISPLAY"
        case EGL_BAD_MATCH: "EGL_BAD_MATCH"
        case EGL_BAD_PARAMETER: "EGL_BAD_PARAMETER"
        case EGL_BAD_SURFACE: "EGL_BAD_SURFACE"
        default: "EGL error 0x\(String(status, radix: 16))"
        }
    }

    /// Throws when the bound draw framebuffer is incomplete.
    static func checkFramebuffer(_ what: String) throws(RendererError) {
        let status = glCheckFramebufferStatus(GLenum(GL_FRAMEBUFFER))
        guard status == GLenum(GL_FRAMEBUFFER_COMPLETE) else {
            let name: String = switch Int32(bitPattern: status) {
            case GL_FRAMEBUFFER_INCOMPLETE_ATTACHMENT: "GL_FRAMEBUFFER_INCOMPLETE_ATTACHMENT"
            case GL_FRAMEBUFFER_INCOMPLETE_MISSING_ATTACHMENT: "GL_FRAMEBUFFER_INCOMPLETE_MISSING_ATTACHMENT"
            case GL_FRAMEBUFFER_INCOMPLETE_DIMENSIONS: "GL_FRAMEBUFFER_INCOMPLETE_DIMENSIONS"
            case GL_FRAMEBUFFER_UNSUPPORTED: "GL_FRAMEBUFFER_UNSUPPORTED"
            case GL_FRAMEBUFFER_INCOMPLETE_MULTISAMPLE: "GL_FRAMEBUFFER_INCOMPLETE_MULTISAMPLE"
            default: "status 0x\(String(status, radix: 16))"
            }
            throw RendererError(.framebuffer, "The \(what) framebuffer is incomplete: \(name)",
                          underlying: GLStatus(call: "glCheckFramebufferStatus", status: status))
        }
    }
}
