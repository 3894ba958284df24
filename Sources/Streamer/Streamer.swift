/// The media pipeline (issue #4): GStreamer webrtcbin, one pipeline per view, H.264 from
/// frames the Renderer draws, and the data channels that feed CommandBus.
///
/// Not built yet; the `/signal` WebSocket command path in the executable is what exists.
package enum StreamerModule {
    package static let status = "planned: issue #4"
}
