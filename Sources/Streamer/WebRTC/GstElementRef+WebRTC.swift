package import CGStreamer

/// The webrtcbin calls both ends use: the server's peers (`WebRTCPeer`) and the test and
/// benchmark receiver (`FrameCountingReceiver`).
extension GstElementRef {
    /// Parses `sdp` and sets it as the remote description (`type` offer or answer); `reply`
    /// gets webrtcbin's reply once it is applied (nil when there is none).
    package func setRemoteDescription(
        _ type: GstWebRTCSDPType, sdp: String, reply: @escaping @Sendable (UnsafePointer<GstStructure>?) -> Void
    ) throws(StreamerError) {
        let kind = type == GST_WEBRTC_SDP_TYPE_OFFER ? "offer" : "answer"
        var message: UnsafeMutablePointer<GstSDPMessage>?
        guard gst_sdp_message_new_from_text(sdp, &message) == GST_SDP_OK, let message else {
            throw StreamerError(.negotiation, "The \(kind)'s SDP could not be parsed")
        }
        // The description takes the message over.
        guard let description = gst_webrtc_session_description_new(type, message) else {
            gst_sdp_message_free(message)
            throw StreamerError(.negotiation, "The \(kind) could not be used")
        }
        let promise = makePromise(reply)
        scenecast_emit_set_description(pointer, "set-remote-description", description, promise)
        gst_promise_unref(promise)
        gst_webrtc_session_description_free(description)
    }

    /// Sets a description webrtcbin created (an offer or an answer) as the local one, and
    /// returns its SDP text.
    package func setLocalDescription(_ description: UnsafeMutablePointer<GstWebRTCSessionDescription>) -> String? {
        let promise = gst_promise_new()
        scenecast_emit_set_description(pointer, "set-local-description", description, promise)
        gst_promise_unref(promise)
        guard let text = gst_sdp_message_as_text(description.pointee.sdp) else { return nil }
        defer { g_free(text) }
        return String(cString: text)
    }

    /// Sets up webrtcbin's ICE agent before it gathers: host candidates only on
    /// `localAddresses` (all interfaces when empty), and no UPnP. libnice otherwise asks the
    /// network's routers to open ports (UPnP IGD), which a server must not do on a plant's
    /// network, and gives every agent a thread that parses every other agent's SSDP
    /// multicasts: with 50 peers the server made about 600 sockets a second for it.
    /// Returns the addresses the agent refused.
    package func configureICEAgent(localAddresses: [String]) -> [String] {
        guard let ice = scenecast_get_object(raw, "ice-agent") else { return localAddresses }
        defer { g_object_unref(ice) }
        if scenecast_has_property(ice, "agent") != 0, let nice = scenecast_get_object(ice, "agent") {
            if scenecast_has_property(nice, "upnp") != 0 { scenecast_set_bool(nice, "upnp", 0) }
            g_object_unref(nice)
        }
        return localAddresses.filter { scenecast_emit_add_local_ip_address(ice, $0) == 0 }
    }

    /// Adds a remote ICE candidate; an empty one (end of candidates) is ignored.
    package func addICECandidate(mline: Int, candidate: String) {
        guard !candidate.isEmpty else { return }
        scenecast_emit_add_ice_candidate(pointer, guint(mline), candidate)
    }
}
