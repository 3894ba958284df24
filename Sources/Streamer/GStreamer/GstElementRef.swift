package import CGStreamer

/// The owner of one reference to a `GstElement`; `deinit` drops it.
///
/// A new element's floating reference is sunk, so this reference stays valid after the
/// element is added to a bin (which takes a reference of its own).
package final class GstElementRef: @unchecked Sendable {
    // @unchecked: the pointer never changes; GStreamer's element API is thread-safe
    // (properties and state changes take the object lock).
    package let pointer: UnsafeMutablePointer<GstElement>

    package init(sinking element: UnsafeMutablePointer<GstElement>) {
        pointer = element
        gst_object_ref_sink(UnsafeMutableRawPointer(element))
    }

    /// Takes over a reference the caller already owns (from `gst_bin_get_by_name`, say).
    package init(adopting element: UnsafeMutablePointer<GstElement>) {
        pointer = element
    }

    deinit {
        gst_object_unref(UnsafeMutableRawPointer(pointer))
    }

    package var raw: gpointer { UnsafeMutableRawPointer(pointer) }

    package func set(_ name: String, _ value: Int) { scenecast_set_int(raw, name, gint(value)) }
    package func set(_ name: String, uint value: UInt) { scenecast_set_uint(raw, name, guint(value)) }
    package func set(_ name: String, uint64 value: UInt64) { scenecast_set_uint64(raw, name, guint64(value)) }
    package func set(_ name: String, int64 value: Int64) { scenecast_set_int64(raw, name, gint64(value)) }
    package func set(_ name: String, _ value: Bool) { scenecast_set_bool(raw, name, value ? 1 : 0) }
    package func set(_ name: String, string value: String) { scenecast_set_string(raw, name, value) }
    /// Enums and flags, from their nick ("max-bundle", "zerolatency").
    package func set(_ name: String, nick value: String) { scenecast_set_from_string(raw, name, value) }
    package func has(_ property: String) -> Bool { scenecast_has_property(raw, property) != 0 }

    package func setCaps(_ name: String, _ caps: UnsafeMutablePointer<GstCaps>) {
        scenecast_set_pointer(raw, name, UnsafeMutableRawPointer(caps))
    }

    /// A static pad by name, owned by the caller.
    package func staticPad(_ name: String) -> GstPadRef? {
        gst_element_get_static_pad(pointer, name).map(GstPadRef.init(adopting:))
    }

    package func requestPad(_ template: String) -> GstPadRef? {
        gst_element_request_pad_simple(pointer, template).map(GstPadRef.init(adopting:))
    }

    @discardableResult
    package func setState(_ state: GstState) -> GstStateChangeReturn {
        gst_element_set_state(pointer, state)
    }

    package func syncStateWithParent() { gst_element_sync_state_with_parent(pointer) }
}

/// The owner of one reference to a `GstPad`.
package final class GstPadRef: @unchecked Sendable {
    // @unchecked: the pointer never changes; pad calls used here are thread-safe.
    package let pointer: UnsafeMutablePointer<GstPad>

    package init(adopting pad: UnsafeMutablePointer<GstPad>) { pointer = pad }

    deinit { gst_object_unref(UnsafeMutableRawPointer(pointer)) }

    package func link(to sink: GstPadRef) throws(StreamerError) {
        let result = gst_pad_link(pointer, sink.pointer)
        guard result == GST_PAD_LINK_OK else {
            throw StreamerError(.pipeline, "Two pads could not be linked (GstPadLinkReturn \(result.rawValue))")
        }
    }
}
