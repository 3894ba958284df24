/// The GL layer's failure codes (EGL set-up, GL calls, shaders, framebuffers, readback),
/// all reported as the module's one error type, `RendererError`.
extension RendererError.Code {
    /// No usable EGL display: neither a device nor the surfaceless platform.
    package static let noDisplay = Self("gl_no_display")
    /// EGL initialisation, configuration or context creation failed.
    package static let egl = Self("gl_egl")
    /// A GL call reported an error (glGetError).
    package static let gl = Self("gl_call")
    /// A shader failed to compile or a program failed to link.
    package static let shader = Self("gl_shader")
    /// A framebuffer was incomplete.
    package static let framebuffer = Self("gl_framebuffer")
    /// A size, sample count or other argument was out of range.
    package static let invalidArgument = Self("gl_invalid_argument")
    /// The context was closed.
    package static let closed = Self("gl_closed")
}

/// An EGL or GL error code with the name of the call that produced it.
package struct GLStatus: Error, CustomStringConvertible, Sendable {
    package let call: String
    package let status: UInt32
    package init(call: String, status: UInt32) {
        self.call = call
        self.status = status
    }
    package var description: String {
        "\(call) returned 0x\(String(status, radix: 16, uppercase: true))"
    }
}
