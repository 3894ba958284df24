import CGStreamer
import Testing
@testable import Streamer

@Suite("The playout-delay RTP header extension")
struct PlayoutDelayTests {
    @Test("every stamped packet carries extension 1 with min = max = 0 delay, and its payload is untouched")
    func stamp() throws {
        try GStreamer.initialize()
        let buffer = try #require(gst_rtp_buffer_new_allocate(5, 0, 0))
        defer { gst_buffer_unref(buffer) }
        var rtp = GstRTPBuffer()
        let readWrite = GstMapFlags(rawValue: GST_MAP_READ.rawValue | GST_MAP_WRITE.rawValue)
        #expect(gst_rtp_buffer_map(buffer, readWrite, &rtp) != 0)
        let payload = gst_rtp_buffer_get_payload(&rtp)!.assumingMemoryBound(to: UInt8.self)
        for i in 0..<5 { payload[i] = UInt8(i + 1) }
        gst_rtp_buffer_unmap(&rtp)

        PlayoutDelay.stamp(buffer)

        #expect(gst_rtp_buffer_map(buffer, GST_MAP_READ, &rtp) != 0)
        defer { gst_rtp_buffer_unmap(&rtp) }
        var data: gpointer?
        var size: guint = 0
        #expect(gst_rtp_buffer_get_extension_onebyte_header(&rtp, PlayoutDelay.id, 0, &data, &size) != 0)
        #expect(size == 3)
        let bytes = UnsafeRawBufferPointer(start: data, count: Int(size))
        #expect(Array(bytes) == [0, 0, 0])
        #expect(gst_rtp_buffer_get_payload_len(&rtp) == 5)
        let after = gst_rtp_buffer_get_payload(&rtp)!.assumingMemoryBound(to: UInt8.self)
        #expect((0..<5).map { after[$0] } == [1, 2, 3, 4, 5])
        #expect(PlayoutDelay.capsField == "extmap-1=(string)http://www.webrtc.org/experiments/rtp-hdrext/playout-delay")
    }
}
