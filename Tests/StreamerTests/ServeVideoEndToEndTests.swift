import Foundation
import HummingbirdWSClient
import NIOWebSocket
import Logging
import SceneLedger
import ScenecastTestSupport
import Synchronization
import Testing
@testable import Streamer

/// The real `scenecast serve --demo 3 --ice-address 127.0.0.1`, joined over `/signal` with
/// `"media":"video"` by a webrtcbin receiver in this process, as a browser would.
@Suite("scenecast serve streams video over /signal", .serialized)
struct ServeVideoEndToEndTests {
    @Test("join with media video: joined, offer, answer, ICE; frames decode at the requested size; a command on the channel is acked")
    func serveStreams() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "3", "--ice-address", "127.0.0.1"])
        let receiver = try FrameCountingReceiver(mode: .decode, logger: testLogger)
        let seen = Mutex<[JSONValue]>([])
        let channel = Mutex<[JSONValue]>([])
        let (outbox, outboxSink) = AsyncStream.makeStream(of: String.self)
        outboxSink.yield(#"{"type":"join","scene":"demo","role":"driver","name":"Ada","media":"video","width":320,"height":240}"#)
        let connection = Task {
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(server.port)/signal", configuration: .init(maxFrameSize: 1 << 22), logger: testLogger) {
                inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await text in outbox { try await outbound.write(.text(text)) }
                        try await outbound.close(.normalClosure, reason: nil)
                    }
                    for try await message in inbound.messages(maxSize: 1 << 22) {
                        guard case .text(let text) = message, let value = try? JSONValue.parse(text) else { continue }
                        seen.withLock { $0.append(value) }
                        switch value["type"]?.stringValue {
                        case "offer": try receiver.applyOffer(value["sdp"]?.stringValue ?? "")
                        case "ice":
                            receiver.addCandidate(mline: Int(value["sdpMLineIndex"]?.doubleValue ?? 0), candidate: value["candidate"]?.stringValue ?? "")
                        default: break
                        }
                    }
                    group.cancelAll()
                }
            }
        }
        let pump = Task {
            for await event in receiver.events {
                switch event {
                case .answer(let sdp): outboxSink.yield(JSONValue.object(["type": "answer", "sdp": .string(sdp)]).canonicalString)
                case .candidate(let mline, let candidate):
                    outboxSink.yield(JSONValue.object(["type": "ice", "candidate": .string(candidate), "sdpMLineIndex": .number(Double(mline))]).canonicalString)
                case .message(_, let text): if let value = try? JSONValue.parse(text) { channel.withLock { $0.append(value) } }
                case .channelOpen, .failed: break
                }
            }
        }
        let decoded = await VideoClient.eventually { receiver.framesReceived >= 5 }
        let types = seen.withLock { $0.compactMap { $0["type"]?.stringValue } }
        #expect(decoded, "frames \(receiver.framesReceived); messages \(types); log: \(server.log)")
        #expect(Array(types.prefix(3)) == ["joined", "state:full", "offer"])
        let joined = seen.withLock { $0.first { $0["type"]?.stringValue == "joined" } }
        #expect(joined?["iceServers"] == .array([]))
        let offer = seen.withLock { $0.first { $0["type"]?.stringValue == "offer" } }?["sdp"]?.stringValue ?? ""
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
            channel.withLock { $0.contains { $0["type"]?.stringValue == "ack" && $0["ref"]?.stringValue == id } }
        }
        #expect(acked, "over the channel: \(channel.withLock { $0.map(\.canonicalString) })")
        outboxSink.yield(#"{"type":"bye"}"#)
        outboxSink.finish()
        _ = try? await connection.value
        receiver.close()
        pump.cancel()
        #expect(await server.stop() == 0)
    }
}
