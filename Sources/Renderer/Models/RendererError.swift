/// The one error type of the Renderer module.
///
/// Every failure that leaves this module is a `RendererError`: a stable machine-readable
/// `code`, a sentence for people, and the underlying cause where there is one (an errno
/// from a file read, say).
package struct RendererError: Error, CustomStringConvertible, Sendable {
    /// A stable identifier for the kind of failure.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(_ rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// An STL file ends before its last triangle (or, for ASCII, its last facet or solid) is complete.
        package static let stlTruncated = Code("stl_truncated")
        /// A binary STL's triangle count disagrees with the size of the file.
        package static let stlTriangleCount = Code("stl_triangle_count")
        /// A vertex coordinate is NaN or infinite.
        package static let stlNotFinite = Code("stl_not_finite")
        /// The bytes are neither binary nor ASCII STL, or an ASCII file is malformed.
        package static let stlNotSTL = Code("stl_not_stl")
        /// The file holds no triangles (or only degenerate ones).
        package static let stlEmpty = Code("stl_empty")
        /// The file is larger than the caller's limit.
        package static let stlTooLarge = Code("stl_too_large")
        /// A file could not be opened or read.
        package static let io = Code("io")
        /// An uploaded model's bytes could not be had (no store, or the store failed).
        package static let modelUnavailable = Code("model_unavailable")
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

/// An operating-system error number, as the underlying cause of an `io` error.
package struct SystemErrno: Error, CustomStringConvertible, Sendable, Equatable {
    package let code: Int32
    package let text: String
    package init(code: Int32, text: String) {
        self.code = code
        self.text = text
    }
    package var description: String { "errno \(code): \(text)" }
}
