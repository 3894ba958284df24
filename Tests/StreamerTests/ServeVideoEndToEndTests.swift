import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing
@testable import Streamer
import StreamerTesting

/// The real `scenecast serve --demo 3 --ice-address 127.0.0.1`, joined over `/signal` with
/// `"media":"video"` by a webrtcbin receiver in this process, as a browser would.
@Suite("scenecast serve streams video over /signal", .serialized)
struct ServeVideoEndToEndTests {
    @Test("join with media video: joined, offer, answer, ICE; frames decode at the requested size; a command on the channel is acked")
    func serveStreams() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "3", "--ice-address", "127.0.0.1"])
        let client = try ServeVideoJoin(
            port: server.port,
            join: #"{"type":"join","scene":"demo","role":"driver","name":"Ada","media":"video","width":320,"height":240}"#
        )
        let receiver = client.receiver
        let decoded = await VideoClient.eventually { receiver.framesReceived >= 5 }
        let types = client.signalledTypes
        #expect(decoded, "frames \(receiver.framesReceived); messages \(types); log: \(server.log)")
        #expect(Array(types.prefix(3)) == ["joined", "state:full", "offer"])
        let joined = client.firstSignalled("joined")
        #expect(joined?["iceServers"] == .array([]))
        let offer = client.firstSignalled("offer")?["sdp"]?.stringValue ?? ""
        for part in ["m=video", "H264/90000", "a=sendonly", "webrtc-datachannel", "a=group:BUNDLE"] {
            #expect(offer.contains(part), "the offer lacks \(part): \(offer)")
        }
        if ProcessInfo.processInfo.environment["STREAM_TEST_PRINT_OFFER"] != nil { print(offer) }
        #expect(receiver.frameSize?.width == 320 && receiver.frameSize?.height == 240)

        let id = UUID().uuidString.lowercased()
        let orbit = #"{"id":"\#(id)","type":"camera:orbit","timestamp":1764000000000,"data":{"dAzimuth":15,"dElevation":0}}"#
        let sent = await VideoClient.eventually(20) { receiver.send(orbit, on: .commands) }
        #expect(sent)
        let acked = await VideoClient.eventually {
            client.channelled.messages.contains { $0["type"]?.stringValue == "ack" && $0["ref"]?.stringValue == id }
        }
        #expect(acked, "over the channel: \(client.channelled.messages.map(\.canonicalString))")
        await client.close()
        #expect(await server.stop() == 0)
    }
}
