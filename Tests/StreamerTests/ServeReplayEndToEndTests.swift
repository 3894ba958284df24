import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing
@testable import Streamer
import StreamerTesting

/// Time travel in the browser, end to end: a driver records a few commands through the
/// real `scenecast serve`, then a webrtcbin receiver opens a replay of that session over
/// `/signal`, seeks, and receives `replay:state` and decodable frames.
@Suite("scenecast serve streams replays over /signal", .serialized)
struct ServeReplayEndToEndTests {
    /// A driver joins the demo scene through `serve`, records three camera orbits and leaves;
    /// returns its session, the scene and the scene's head version once the session ended.
    func recordSession(_ server: ServerProcess, _ store: LedgerStore) async throws -> (session: String, scene: UUID, head: Int64) {
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
        #expect(await VideoClient.eventually { (try? await store.session(UUID(uuidString: session)!))?.endMicros != nil })
        return (session, scene, try await store.state(scene: scene).version)
    }

    /// A server on a fresh database, a recorded session, and a receiver that opened its
    /// replay at 320×240.
    func openReplay() async throws
        -> (server: ServerProcess, store: LedgerStore, session: String, scene: UUID, head: Int64, replay: ServeVideoJoin)
    {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "3", "--ice-address", "127.0.0.1"])
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let (session, scene, head) = try await recordSession(server, store)
        let replay = try ServeVideoJoin(port: server.port, join: #"{"type":"replay:open","session":"\#(session)","width":320,"height":240}"#)
        return (server, store, session, scene, head, replay)
    }

    @Test("replay:open streams the session; a seek to a version answers replay:state at it; a seek outside is an error")
    func replay() async throws {
        let (server, store, _, scene, head, replay) = try await openReplay()
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
        let after = try await store.state(scene: scene)
        let written = try await store.events(scene: scene, afterVersion: head, limit: 10).map(\.type)
        #expect(after.version == head, "v\(head) became v\(after.version): \(written)")
        await store.close()
    }

    @Test("replay controls sent over the commands data channel: seek, step both ways and play to the end answer replay:state")
    func controlsOverDataChannel() async throws {
        let (server, store, _, scene, head, replay) = try await openReplay()
        let receiver = replay.receiver
        func answers(_ type: String) -> [JSONValue] {
            (replay.signalled.messages + replay.channelled.messages).filter { $0["type"]?.stringValue == type }
        }
        /// Sends on the `commands` channel (once it is open) and waits for a new answer of `type`
        /// that passes `check`.
        func control(_ text: String, answer type: String, _ check: @escaping (JSONValue) -> Bool) async -> JSONValue? {
            let before = answers(type).count
            let sent = await VideoClient.eventually { receiver.send(text, on: .commands) }
            let answered = await VideoClient.eventually { answers(type).dropFirst(before).contains(where: check) }
            guard sent, answered else { return nil }
            return answers(type).dropFirst(before).first(where: check)
        }
        #expect(await VideoClient.eventually { receiver.framesReceived >= 3 }, "messages \(replay.signalledTypes); log: \(server.log)")
        let opened = try #require(answers("replay:state").first)
        let first = Int(try #require(opened["span"]?["firstVersion"]?.doubleValue))
        let last = Int(try #require(opened["span"]?["lastVersion"]?.doubleValue))
        #expect(last >= first + 3)

        let seek = await control(#"{"type":"replay:seek","at":"v\#(first + 2)"}"#, answer: "replay:state") { $0["version"]?.doubleValue == Double(first + 2) }
        #expect(seek?["playing"] == .bool(false), "answers: \(answers("replay:state").map(\.canonicalString))")
        let forward = await control(#"{"type":"replay:step","direction":1}"#, answer: "replay:state") { _ in true }
        #expect(forward?["version"]?.doubleValue == Double(first + 3))
        let back = await control(#"{"type":"replay:step","direction":-1}"#, answer: "replay:state") { _ in true }
        #expect(back?["version"]?.doubleValue == Double(first + 2))
        let refused = await control(#"{"type":"replay:step","direction":2}"#, answer: "replay:error") { _ in true }
        #expect(refused?["code"]?.stringValue == "invalid_argument")
        // Playing at 8x reaches the session's end, whose state always goes out (not throttled).
        let ended = await control(#"{"type":"replay:play","speed":8}"#, answer: "replay:state") {
            $0["version"]?.doubleValue == Double(last) && $0["playing"] == .bool(false)
        }
        #expect(ended != nil, "answers: \(answers("replay:state").map(\.canonicalString))")
        let framesBefore = receiver.framesReceived
        #expect(await VideoClient.eventually { receiver.framesReceived > framesBefore + 2 })
        await replay.close()
        #expect(await server.stop() == 0)
        #expect(try await store.state(scene: scene).version == head)
        await store.close()
    }
}
