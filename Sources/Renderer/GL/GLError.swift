/// Failures of the GL layer: EGL set-up, GL calls, shaders, framebuffers and readback.
///
/// A stand-in for the Renderer module's one error type while it is written in parallel;
/// the codes and fields fold into `RendererError` unchanged.
package struct GLError: Error, CustomStringConvertible, Sendable {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(_ rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// No usable EGL display: neither a device nor the surfaceless platform.
        package static let noDisplay = Code("gl_no_display")
        /// EGL initialisation, configuration or context creation failed.
        package static let egl = Code("gl_egl")
        /// A GL call reported an error (glGetError).
        package static let gl = Code("gl_call")
        /// A shader failed to compile or a program failed to link.
        package static let shader = Code("gl_shader")
        /// A framebuffer was incomplete.
        package static let framebuffer = Code("gl_framebuffer")
        /// A size, sample count or other argument was out of range.
        package static let invalidArgument = Code("gl_invalid_argument")
        /// The context was closed.
        package static let closed = Code("gl_closed")
    }

    package let code: Code
    package let message: String
    package let underlying: (any Error)?

    package init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    package var description: String {
        if let underlying {
            return "\(message) (\(underlying))"
        }
        return message
    }
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
