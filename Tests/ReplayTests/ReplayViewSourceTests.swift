import CommandBus
import Foundation
import Replay
import SceneLedger
import Synchronization
import Testing

/// The replay view's source against a real ledger: seek, step and errors, as the state
/// stream a view draws from and the `replay:state` / `replay:error` answers.
@Suite("Replay view source", .serialized)
struct ReplayViewSourceTests {
    /// Collects the answers a source sends.
    final class Replies: Sendable {
        let list = Mutex<[JSONValue]>([])
        var last: JSONValue? { list.withLock { $0.last } }
        func take() -> [JSONValue] { list.withLock { all in defer { all.removeAll() }; return all } }
    }

    @Test("opening, seeking to a version and stepping send the state at that version and replay:state")
    func seekAndStep() async throws {
        let f = try await ReplayFixture.make(extraMoves: 30, snapshotEvery: 10)
        let annEvents = f.events.filter { $0.sessionID == f.ann }
        try await f.withStore { store in
            let replies = Replies()
            let source = try await ReplayViewSource.open(loader: ReplayLoader(store: store), session: f.ann) { message in
                replies.list.withLock { $0.append(message) }
            }
            let opened = try #require(replies.take().last)
            let first = try #require(opened["span"]?["firstVersion"]?.doubleValue)
            let last = try #require(opened["span"]?["lastVersion"]?.doubleValue)
            #expect(first == Double(annEvents.first!.version))
            #expect(last == Double(annEvents.last!.version))
            #expect(opened["version"]?.doubleValue == first)
            #expect(opened["marks"]?.arrayValue?.count == Int(last - first) + 1)

            var changes = await source.viewChanges().makeAsyncIterator()
            guard case .state(let initial) = await changes.next() else { Issue.record("no initial state"); return }
            #expect(initial.version == Int64(first))

            let target = Int64(first) + 10
            await source.handle(["type": "replay:seek", "at": .string("v\(target)")])
            #expect(replies.last?["type"] == "replay:state")
            #expect(replies.last?["version"]?.doubleValue == Double(target))
            #expect(replies.last?["marks"] == nil)
            guard case .state(let seeked) = await changes.next() else { Issue.record("no state after the seek"); return }
            #expect(seeked.version == target)
            let full = try await store.state(scene: f.scene, atVersion: target)
            #expect(seeked == full)

            await source.handle(["type": "replay:step", "direction": 1])
            #expect(replies.last?["version"]?.doubleValue == Double(target + 1))
            guard case .events(_, let firstVersion, let at) = await changes.next() else { Issue.record("no events after the step"); return }
            #expect(firstVersion == target + 1)
            #expect(at == f.events[Int(target)].recordedAtMicros)

            await source.handle(["type": "replay:step", "direction": -1])
            #expect(replies.last?["version"]?.doubleValue == Double(target))
            guard case .state(let back) = await changes.next() else { Issue.record("no state after the step back"); return }
            #expect(back == full)
            await source.close()
        }
    }

    @Test("timeline marks: event times sampled evenly by version, first and last kept")
    func eventTimes() async throws {
        let f = try await ReplayFixture.make(extraMoves: 30)
        try await f.withStore { store in
            let last = Int64(f.events.count)
            for count in [1, 2, 5, 7, 5_000] {
                let times = try await store.eventTimes(scene: f.scene, fromVersion: 3, throughVersion: last, count: count)
                #expect(times.first == f.events[2].recordedAtMicros)
                #expect(times.last == f.events[Int(last) - 1].recordedAtMicros)
                #expect(times.count <= max(count, 1) + 1 && times.count >= min(count, Int(last) - 2), "count \(count): \(times.count)")
                #expect(times == times.sorted())
                #expect(Set(times).isSubset(of: Set(f.events[2...].map(\.recordedAtMicros))))
            }
            let all = try await store.eventTimes(scene: f.scene, fromVersion: 1, throughVersion: last, count: 5_000)
            #expect(all == f.events.map(\.recordedAtMicros))
            #expect(try await store.eventTimes(scene: f.scene, fromVersion: 5, throughVersion: 4, count: 10).isEmpty)
        }
    }

    @Test("a seek outside the session, a bad TIME and a bad message get replay:error and change nothing")
    func errors() async throws {
        let f = try await ReplayFixture.make(extraMoves: 6)
        try await f.withStore { store in
            let replies = Replies()
            let source = try await ReplayViewSource.open(loader: ReplayLoader(store: store), session: f.ann) { message in
                replies.list.withLock { $0.append(message) }
            }
            let version = replies.take().last?["version"]
            for (message, code) in [
                (["type": "replay:seek", "at": "v1"] as JSONValue, "out_of_range"), (["type": "replay:seek", "at": "10h"], "out_of_range"),
                (["type": "replay:seek", "at": "yesterday"], "invalid_time"), (["type": "replay:speed", "speed": 20], "invalid_argument"),
                (["type": "replay:jump"], "invalid_argument"),
            ] {
                await source.handle(message)
                let answer = replies.take()
                #expect(answer.count == 1)
                #expect(answer.first?["type"] == "replay:error")
                #expect(answer.first?["code"]?.stringValue == code, "\(message)")
            }
            #expect(await source.currentState["version"] == version)
            await source.close()
            let missing = await #expect(throws: ReplayError.self) {
                try await ReplayViewSource.open(loader: ReplayLoader(store: store), session: UUID()) { _ in }
            }
            #expect(missing?.code == .unknownSession)
        }
    }

    @Test("playback sends replay:state at most once per 200 ms; the play answer and the session's end at once")
    func playbackIsThrottled() async throws {
        // 40 moves 25 ms apart: about a second of session with an event due every 25 ms.
        let f = try await ReplayFixture.make(extraMoves: 40, pacing: .milliseconds(25))
        try await f.withStore { store in
            let sent = Mutex<[(nanos: UInt64, message: JSONValue)]>([])
            let source = try await ReplayViewSource.open(loader: ReplayLoader(store: store), session: f.ann) { message in
                let now = DispatchTime.now().uptimeNanoseconds
                sent.withLock { $0.append((now, message)) }
            }
            let opened = try #require(sent.withLock { $0.last?.message })
            let first = try #require(opened["span"]?["firstVersion"]?.doubleValue)
            let last = try #require(opened["span"]?["lastVersion"]?.doubleValue)
            #expect(last - first >= 40)
            let playIndex = sent.withLock { $0.count }
            await source.handle(["type": "replay:play", "speed": 1])
            #expect(sent.withLock { $0.count } == playIndex + 1, "the play answer goes out at once")
            let deadline = Date().addingTimeInterval(60)
            func ended() -> Bool {
                sent.withLock { $0.contains { $0.message["playing"] == .bool(false) && $0.message["version"]?.doubleValue == last } }
            }
            while !ended() && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(ended(), "no state at the session's end")
            await source.close()

            let all = sent.withLock { $0 }
            let endIndex = try #require(all.firstIndex { $0.message["playing"] == .bool(false) && $0.message["version"]?.doubleValue == last })
            let playback = all[(playIndex + 1)..<endIndex]
            // Every state during playback waited the whole interval after the one before it.
            for i in playback.indices {
                let gap = all[i].nanos - all[i - 1].nanos
                #expect(gap >= 195_000_000, "state \(i) came \(gap / 1_000_000) ms after the previous one")
            }
            // Fewer states than events: several events share one state.
            #expect(playback.count + 1 < Int(last - first), "\(playback.count) playback states for \(Int(last - first)) events")
            let versions = all[playIndex...endIndex].compactMap { $0.message["version"]?.doubleValue }
            #expect(versions == versions.sorted())
        }
    }
}
