import CGStreamer
import Foundation
import Synchronization

/// GStreamer's process-wide state: initialized once, on first use.
package enum GStreamer {
    private static let state = Mutex<Result<Void, StreamerError>?>(nil)

    /// Initializes GStreamer once; later calls return the first outcome.
    package static func initialize() throws(StreamerError) {
        let outcome = state.withLock { state -> Result<Void, StreamerError> in
            if let state { return state }
            var error: UnsafeMutablePointer<GError>?
            let result: Result<Void, StreamerError> =
                gst_init_check(nil, nil, &error) != 0
                ? .success(()) : .failure(.glib(.initFailed, "GStreamer could not be initialized", error))
            state = result
            return result
        }
        try outcome.get()
    }

    /// The GStreamer version, "1.22.0".
    package static var version: String {
        guard let text = gst_version_string() else { return "unknown" }
        defer { g_free(text) }
        return String(cString: text).replacingOccurrences(of: "GStreamer ", with: "")
    }

    /// True when a plugin provides the element factory `name`.
    package static func hasElement(_ name: String) -> Bool {
        guard (try? initialize()) != nil, let factory = gst_element_factory_find(name) else { return false }
        gst_object_unref(UnsafeMutableRawPointer(factory))
        return true
    }

    /// A new element from `factory`, owned by the returned reference.
    package static func make(_ factory: String, name: String? = nil) throws(StreamerError) -> GstElementRef {
        try initialize()
        guard let element = gst_element_factory_make(factory, name) else {
            throw StreamerError(.missingElement, "The GStreamer element \(factory) is not installed; install the plugin that provides it (see scripts/lib/common.sh)")
        }
        return GstElementRef(sinking: element)
    }

    /// An `appsrc` in time format that takes buffers stamped by the caller (`do-timestamp`
    /// off) with these caps; `live` for a real-time source, `block` to make a full queue
    /// wait rather than grow.
    static func makeSource(name: String, caps text: String, live: Bool, block: Bool) throws(StreamerError) -> GstElementRef {
        let source = try make("appsrc", name: name)
        let caps = try caps(text)
        source.setCaps("caps", caps)
        gst_caps_unref(caps)
        source.set("is-live", live)
        source.set("do-timestamp", false)
        source.set("format", nick: "time")
        source.set("block", block)
        return source
    }

    /// Parses caps from their text form.
    static func caps(_ text: String) throws(StreamerError) -> UnsafeMutablePointer<GstCaps> {
        guard let caps = gst_caps_from_string(text) else {
            throw StreamerError(.pipeline, "The caps \(text) could not be parsed")
        }
        return caps
    }
}
