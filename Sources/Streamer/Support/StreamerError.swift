import CGStreamer

/// The one error type of the Streamer module: a stable `code`, one sentence for people,
/// and the underlying cause (a GLib error's text, a renderer error) where there is one.
package struct StreamerError: Error, CustomStringConvertible, Sendable {
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        package let rawValue: String
        package init(_ rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// GStreamer could not be initialized.
        package static let initFailed = Code("init_failed")
        /// A GStreamer element (plugin) is not installed.
        package static let missingElement = Code("missing_element")
        /// Elements could not be linked or a pipeline could not start.
        package static let pipeline = Code("pipeline")
        /// An SDP or ICE message from the peer could not be used.
        package static let negotiation = Code("negotiation")
        /// Rendering the view failed.
        package static let render = Code("render")
        /// A configuration value (ICE server URL, address) is not usable.
        package static let configuration = Code("configuration")
        /// The stream or pipeline is closed.
        package static let closed = Code("closed")
        /// No view has the id asked for.
        package static let unknownView = Code("unknown_view")
        /// Recording is not configured, or the view is not recording.
        package static let recording = Code("recording")
    }

    package var code: Code
    package var message: String
    package var underlying: (any Error)?

    package init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    package var description: String {
        if let underlying { return "\(code): \(message) (\(underlying))" }
        return "\(code): \(message)"
    }

    /// Maps a GLib `GError` (consumed) once, at the boundary.
    static func glib(_ code: Code, _ message: String, _ error: UnsafeMutablePointer<GError>?) -> StreamerError {
        guard let error else { return StreamerError(code, message) }
        defer { g_error_free(error) }
        let text = error.pointee.message.map { String(cString: $0) } ?? "unknown GLib error"
        return StreamerError(code, "\(message): \(text)")
    }
}
