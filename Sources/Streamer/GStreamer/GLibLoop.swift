package import CGStreamer
import Foundation
import Logging

/// A GLib main loop on a thread of its own (never the cooperative pool), with its own
/// `GMainContext`. Pipeline bus watches are attached to it, so bus messages are handled
/// there, one at a time.
package final class GLibLoop: @unchecked Sendable {
    // @unchecked: `context` and `loop` are set once in init and only used through GLib's
    // thread-safe calls (g_source_attach, g_main_loop_quit).
    let context: OpaquePointer
    private let loop: OpaquePointer
    private let thread: Thread

    /// The process-wide loop, started on first use.
    package static let shared = GLibLoop(name: "gst-bus")

    package init(name: String) {
        context = g_main_context_new()
        loop = g_main_loop_new(context, 0)
        let handles = LoopHandles(context: context, loop: loop)
        thread = Thread {
            g_main_context_push_thread_default(handles.context)
            g_main_loop_run(handles.loop)
            g_main_context_pop_thread_default(handles.context)
        }
        thread.name = name
        thread.start()
    }

    deinit {
        g_main_loop_quit(loop)
        g_main_loop_unref(loop)
        g_main_context_unref(context)
    }

    /// Watches `pipeline`'s bus on this loop; messages go to `handler` until the returned
    /// watch is released.
    package func watch(_ pipeline: GstElementRef, _ handler: @escaping @Sendable (BusMessage) -> Void) -> BusWatch {
        let bus = gst_element_get_bus(pipeline.pointer)!
        defer { gst_object_unref(UnsafeMutableRawPointer(bus)) }
        let source = gst_bus_create_watch(bus)!
        let box = Unmanaged.passRetained(BusHandlerBox(handler)).toOpaque()
        let callback: @convention(c) (UnsafeMutablePointer<GstBus>?, UnsafeMutablePointer<GstMessage>?, gpointer?) -> gboolean = {
            _, message, data in
            guard let message, let data else { return 1 }
            Unmanaged<BusHandlerBox>.fromOpaque(data).takeUnretainedValue().handler(BusMessage(message))
            return 1
        }
        let release: @convention(c) (gpointer?) -> Void = { data in
            if let data { Unmanaged<BusHandlerBox>.fromOpaque(data).release() }
        }
        g_source_set_callback(source, unsafeBitCast(callback, to: GSourceFunc.self), box, release)
        g_source_attach(source, context)
        return BusWatch(source: source)
    }
}

/// A bus watch attached to the loop; released, it is destroyed.
package final class BusWatch: @unchecked Sendable {
    // @unchecked: only destroyed in deinit; g_source_destroy is thread-safe.
    private let source: UnsafeMutablePointer<GSource>
    init(source: UnsafeMutablePointer<GSource>) { self.source = source }
    deinit {
        g_source_destroy(source)
        g_source_unref(source)
    }
}

/// The loop's GLib handles, handed to its thread once.
private struct LoopHandles: @unchecked Sendable {
    // @unchecked: only the loop thread uses them, after init hands them over.
    let context: OpaquePointer
    let loop: OpaquePointer
}

private final class BusHandlerBox: Sendable {
    let handler: @Sendable (BusMessage) -> Void
    init(_ handler: @escaping @Sendable (BusMessage) -> Void) { self.handler = handler }
}

/// What a bus handler needs of one message, read while the message is valid.
package struct BusMessage: Sendable {
    package enum Kind: Sendable { case error, warning, eos, latency, other }
    package let kind: Kind
    package let source: String
    package let text: String

    init(_ message: UnsafeMutablePointer<GstMessage>) {
        source = scenecast_message_source_name(message).map { String(cString: $0) } ?? "?"
        var error: UnsafeMutablePointer<GError>?
        var debug: UnsafeMutablePointer<gchar>?
        switch scenecast_message_type(message) {
        case GST_MESSAGE_ERROR:
            kind = .error
            gst_message_parse_error(message, &error, &debug)
        case GST_MESSAGE_WARNING:
            kind = .warning
            gst_message_parse_warning(message, &error, &debug)
        case GST_MESSAGE_EOS:
            kind = .eos
        case GST_MESSAGE_LATENCY:
            kind = .latency
        default:
            kind = .other
        }
        var text = error.flatMap { $0.pointee.message.map { String(cString: $0) } } ?? ""
        if let debug { text += " (\(String(cString: debug)))" }
        self.text = text
        if let error { g_error_free(error) }
        g_free(debug)
    }

    /// Errors from webrtcbin's insides (sctpenc when a peer closes a data channel, DTLS and
    /// ICE of one peer) concern that peer alone and must not stop the view's pipeline.
    package var isPeerScoped: Bool {
        ["sctp", "dtls", "nice", "webrtc", "srtp", "rtpbin", "transport"].contains { source.lowercased().contains($0) }
    }
}
