import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing
@testable import Streamer

/// Time travel in the browser, end to end: a driver records a few commands through the
/// real `scenecast serve`, then a webrtcbin receiver opens a replay of that session over
/// `/signal`, seeks, and receives `replay:state` and decodable frames.
@Suite("scenecast serve streams replays over /signal", .serialized)
struct ServeReplayEndToEndTests {
    @Test("replay:open streams the session; a seek to a version answers replay:state at it; a seek outside is an error")
    func replay() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "3", "--ice-address", "127.0.0.1"])
        let live = try ServeVideoJoin(
            port: server.port, join: #"{"type":"join","scene":"demo","role":"driver","name":"Ada","media":"video","width":320,"height":240}"#)
        #expect(await VideoClient.eventually { live.firstSignalled("joined") != nil })
        let session = try #require(live.firstSignalled("joined")?["session"]?.stringValue)
        for i in 0..<3 {
            let id = UUID().uuidString.lowercased()
            live.send(#"{"id":"\#(id)","type":"camera:orbit","timestamp":1764000000000,"data":{"dAzimuth":\#(10 + i),"dElevation":0}}"#)
            let acked = await VideoClient.eventually {
                (live.signalled.messages + live.channelled.messages).contains { $0["type"]?.stringValue == "ack" && $0["ref"]?.stringValue == id }
            }
            #expect(acked)
        }
        await live.close()
        let scene = try #require(live.firstSignalled("joined")?["scene"]?.stringValue.flatMap(UUID.init(uuidString:)))
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        #expect(await VideoClient.eventually { (try? await store.session(UUID(uuidString: session)!))?.endMicros != nil })
        let head = try await store.state(scene: scene).version

        let replay = try ServeVideoJoin(port: server.port, join: #"{"type":"replay:open","session":"\#(session)","width":320,"height":240}"#)
        let receiver = replay.receiver
        func states() -> [JSONValue] { replay.signalled.messages.filter { $0["type"]?.stringValue == "replay:state" } }
        #expect(await VideoClient.eventually { receiver.framesReceived >= 3 }, "messages \(replay.signalledTypes); log: \(server.log)")
        #expect(receiver.frameSize?.width == 320 && receiver.frameSize?.height == 240)
        let opened = try #require(states().first)
        let first = try #require(opened["span"]?["firstVersion"]?.doubleValue)
        let last = try #require(opened["span"]?["lastVersion"]?.doubleValue)
        #expect(last >= first + 3, "the join, three orbits and the leave: \(opened.canonicalString)")
        #expect(opened["version"]?.doubleValue == first)
        #expect((opened["marks"]?.arrayValue?.count ?? 0) == Int(last - first) + 1)

        let target = Int(first) + 2
        replay.send(#"{"type":"replay:seek","at":"v\#(target)"}"#)
        #expect(await VideoClient.eventually { states().contains { $0["version"]?.doubleValue == Double(target) } })
        let framesBefore = receiver.framesReceived
        #expect(await VideoClient.eventually { receiver.framesReceived > framesBefore + 2 })

        replay.send(#"{"type":"replay:seek","at":"v1"}"#)
        let refused = await VideoClient.eventually {
            replay.signalled.messages.contains { $0["type"]?.stringValue == "replay:error" && $0["code"]?.stringValue == "out_of_range" }
        }
        #expect(refused, "messages \(replay.signalled.messages.map(\.canonicalString))")
        await replay.close()
        #expect(await server.stop() == 0)
        // The replay read the ledger and wrote nothing to it.
        #expect(try await store.state(scene: scene).version == head)
        await store.close()
    }
}
