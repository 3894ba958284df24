import CGStreamer
import Testing
@testable import Streamer

/// webrtcbin's ICE agent as both ends set it up (`configureICEAgent`), on real GStreamer.
@Suite("The ICE agent of a peer")
struct ICEAgentTests {
    /// libnice's own agent inside webrtcbin's ICE object.
    func niceAgent(of webrtc: GstElementRef) throws -> gpointer {
        let ice = try #require(scenecast_get_object(webrtc.raw, "ice-agent"))
        defer { g_object_unref(ice) }
        return try #require(scenecast_get_object(ice, "agent"))
    }

    @Test("UPnP is off (no port mapping on the plant's routers) and loopback is taken; a malformed address is refused")
    func configured() throws {
        try GStreamer.initialize()
        let webrtc = try GStreamer.make("webrtcbin")
        let before = try niceAgent(of: webrtc)
        // libnice's default, which the server must not keep.
        #expect(scenecast_get_enum(before, "upnp") != 0)
        g_object_unref(before)

        let refused = webrtc.configureICEAgent(localAddresses: ["127.0.0.1", "not-an-address"])
        #expect(refused == ["not-an-address"])
        let after = try niceAgent(of: webrtc)
        #expect(scenecast_get_enum(after, "upnp") == 0)
        g_object_unref(after)
    }
}
