package import CGStreamer

/// The owner of one reference to a webrtcbin data channel.
package final class DataChannelRef: @unchecked Sendable {
    // @unchecked: the pointer never changes; webrtcbin's data-channel calls take its lock.
    package let pointer: OpaquePointer
    package let label: DataChannelLabel

    package init(adopting pointer: OpaquePointer, label: DataChannelLabel) {
        self.pointer = pointer
        self.label = label
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(pointer)) }

    /// Sends a text message; false when the channel is not open or the send failed.
    @discardableResult
    package func send(_ text: String) -> Bool {
        var error: UnsafeMutablePointer<GError>?
        let ok = gst_webrtc_data_channel_send_string_full(pointer, text, &error) != 0
        if let error { g_error_free(error) }
        return ok
    }

    package func close() { gst_webrtc_data_channel_close(pointer) }
}
