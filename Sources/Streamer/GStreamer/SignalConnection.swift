package import CGStreamer

/// Connects a C callback to a GObject signal with `context` as its user data. The context
/// is retained for the connection's life and released in GLib's destroy-notify.
package func connectSignal(_ instance: gpointer, _ signal: String, _ callback: GCallback, context: AnyObject) {
    let data = Unmanaged.passRetained(context).toOpaque()
    let release: @convention(c) (gpointer?, UnsafeMutablePointer<GClosure>?) -> Void = { data, _ in
        if let data { Unmanaged<AnyObject>.fromOpaque(data).release() }
    }
    _ = scenecast_signal_connect(instance, signal, callback, data, release)
}

/// The context object behind a callback's user data, not retained.
package func callbackContext<T: AnyObject>(_ data: gpointer?, as: T.Type) -> T? {
    guard let data else { return nil }
    return Unmanaged<AnyObject>.fromOpaque(data).takeUnretainedValue() as? T
}

/// A GstPromise whose reply goes to `body` (on whichever thread GStreamer resolves it).
package func makePromise(_ body: @escaping @Sendable (UnsafePointer<GstStructure>?) -> Void) -> UnsafeMutablePointer<GstPromise> {
    let box = Unmanaged.passRetained(PromiseBox(body)).toOpaque()
    let changed: @convention(c) (UnsafeMutablePointer<GstPromise>?, gpointer?) -> Void = { promise, data in
        guard let promise, let data else { return }
        let reply = gst_promise_wait(promise) == GST_PROMISE_RESULT_REPLIED ? gst_promise_get_reply(promise) : nil
        Unmanaged<PromiseBox>.fromOpaque(data).takeUnretainedValue().body(reply)
    }
    let release: @convention(c) (gpointer?) -> Void = { data in
        if let data { Unmanaged<PromiseBox>.fromOpaque(data).release() }
    }
    return gst_promise_new_with_change_func(changed, box, release)
}

private final class PromiseBox: Sendable {
    let body: @Sendable (UnsafePointer<GstStructure>?) -> Void
    init(_ body: @escaping @Sendable (UnsafePointer<GstStructure>?) -> Void) { self.body = body }
}
