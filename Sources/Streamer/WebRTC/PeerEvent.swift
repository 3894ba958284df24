/// The two data channels the server creates on every video peer.
package enum DataChannelLabel: String, Sendable, CaseIterable {
    /// Unordered, no retransmits: camera and pointer motion.
    case input
    /// Reliable and ordered: edits, probes, and the server's messages to the participant.
    case commands
}

/// What a peer reports, from GStreamer's threads, in the order it happened.
package enum PeerEvent: Sendable {
    /// The local description, ready to send to the client.
    case offer(sdp: String)
    /// A local ICE candidate.
    case candidate(mline: Int, candidate: String)
    case channelOpen(DataChannelLabel)
    case channelClosed(DataChannelLabel)
    /// One data-channel message (text or binary) from the client.
    case message(DataChannelLabel, [UInt8])
    /// Negotiation failed; the message says why.
    case failed(StreamerError)
}
