import Foundation
import ScenecastTestSupport
import Synchronization
import Testing
@testable import CommandBus
@testable import SceneLedger

/// Watchers that draw ahead (the streamer's views) hear of a command's events when the
/// host accepts them and again when the ledger commits them; others only at the commit.
@Suite("Watching a scene host ahead of its commits", .serialized)
struct WatchAheadTests {
    /// Collects a watch stream's changes as (kind, first version, count, recorded at).
    final class Collected: Sendable {
        typealias Change = (kind: String, first: Int64, count: Int, at: Int64, state: SceneState?)
        final class Log: Sendable {
            let changes = Mutex<[Change]>([])
        }
        let log = Log()
        let task: Task<Void, Never>?

        init(_ stream: AsyncStream<CommittedChange>) {
            let log = self.log
            task = Task {
                for await change in stream { Collected.record(change, in: log) }
            }
        }

        /// For changes handed over directly (`watchCommitted(ahead:deliver:)`).
        init() {
            task = nil
        }

        func record(_ change: CommittedChange) { Collected.record(change, in: log) }

        static func record(_ change: CommittedChange, in log: Log) {
            log.changes.withLock {
                switch change {
                case .state(let s): $0.append(("state", s.version, 0, s.sceneTimeMicros, s))
                case .events(let e, let first, let at): $0.append(("events", first, e.count, at, nil))
                case .accepted(let e, let first, let at): $0.append(("accepted", first, e.count, at, nil))
                }
            }
        }

        var all: [Change] { log.changes.withLock { $0 } }

        func wait(until done: ([Change]) -> Bool) async throws {
            let deadline = Date().addingTimeInterval(10)
            while !done(all) {
                guard Date() < deadline else { throw CancellationError() }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    @Test("accepted events come first, then the same versions and time committed; a plain watcher hears only commits")
    func acceptedThenCommitted() async throws {
        let f = try await SceneHostIntegrationTests().fixture()
        let ahead = Collected(await f.host.watchCommitted(ahead: true))
        let plain = Collected(await f.host.watchCommitted())
        let sink = RecordingSink()
        let joined = try await f.host.join(actor: UUID(), name: "Ada", role: .driver, sink: sink, clientTimeMillis: 1)
        let id = UUID()
        await f.host.receive(ClientCommand(id: id, timestampMillis: 1, body: .deviceDrag(id: f.device, position: Vec3(5, 0, 0))), from: joined.session)
        let ack = try await sink.wait(for: "ack", ref: id)
        let version = Int64(try #require(ack["version"]?.doubleValue))
        try await ahead.wait { $0.contains { $0.kind == "events" && $0.first == version } }
        try await plain.wait { $0.contains { $0.kind == "events" && $0.first == version } }

        let seen = ahead.all.filter { $0.first == version && $0.kind != "state" }
        #expect(seen.map(\.kind) == ["accepted", "events"], "told when accepted, then when committed")
        #expect(seen.first?.at == seen.last?.at, "at the time the ledger recorded")
        let stored = try await f.store.events(scene: f.scene, afterVersion: version - 1, throughVersion: version)
        #expect(stored.first?.recordedAtMicros == seen.first?.at)
        #expect(!plain.all.contains { $0.kind == "accepted" }, "a plain watcher never hears of uncommitted events")
        #expect(plain.all.first?.kind == "state" && ahead.all.first?.kind == "state")
        ahead.task?.cancel()
        plain.task?.cancel()
        await f.shutdown()
    }

    @Test("a watcher handed the changes directly hears the same, in order, and nothing once it unwatches")
    func handedDirectly() async throws {
        let f = try await SceneHostIntegrationTests().fixture()
        let direct = Collected()
        let id = await f.host.watchCommitted(ahead: true) { direct.record($0) }
        #expect(direct.all.map(\.kind) == ["state"], "the whole state at once, before the call returns")
        let sink = RecordingSink()
        let joined = try await f.host.join(actor: UUID(), name: "Ada", role: .driver, sink: sink, clientTimeMillis: 1)
        let drag = { (x: Double) in ClientCommand(id: UUID(), timestampMillis: 1, body: .deviceDrag(id: f.device, position: Vec3(x, 0, 0))) }
        let first = drag(5)
        await f.host.receive(first, from: joined.session)
        let version = Int64(try #require(try await sink.wait(for: "ack", ref: first.id)["version"]?.doubleValue))
        let seen = direct.all.filter { $0.first == version && $0.kind != "state" }
        #expect(seen.map(\.kind) == ["accepted", "events"], "accepted, then committed, before the ack")
        await f.host.unwatch(id)
        let count = direct.all.count
        let second = drag(6)
        await f.host.receive(second, from: joined.session)
        _ = try await sink.wait(for: "ack", ref: second.id)
        #expect(direct.all.count == count, "nothing after unwatching")
        await f.shutdown()
    }

    @Test("a commit that fails is never confirmed: the watcher ahead gets the whole state instead")
    func failedCommitSendsState() async throws {
        let f = try await SceneHostIntegrationTests().fixture()
        let sink = RecordingSink()
        let joined = try await f.host.join(actor: UUID(), name: "Ada", role: .driver, sink: sink, clientTimeMillis: 1)
        _ = try await sink.wait(for: "state:full")
        let settled = UUID()
        await f.host.receive(ClientCommand(id: settled, timestampMillis: 1, body: .deviceDrag(id: f.device, position: Vec3(1, 0, 0))), from: joined.session)
        _ = try await sink.wait(for: "ack", ref: settled)
        // A foreign append under the host's own epoch moves the head under the host.
        let epoch = try await f.store.pool.withConnection { c throws(LedgerError) in
            try await c.query("SELECT epoch FROM scene_leases WHERE scene_id = $1", [f.scene.uuidString])
        }.first?[0].flatMap { Int64($0) }
        let foreign = LedgerWriter(conninfo: f.store.conninfo, logger: f.store.logger)
        let foreignTask = Task { try await foreign.run() }
        _ = try await foreign.append(
            AppendRequest(
                lease: SceneLease(sceneID: f.scene, holder: "test-host", epoch: try #require(epoch)), sessionID: UUID(), actorID: UUID(),
                commandID: UUID(), clientTimeMillis: 1, events: [NewEvent(.deviceMoved(id: f.device, position: Vec3(42, 0, 0)))]
            )
        )
        foreign.beginShutdown()
        try await foreignTask.value

        let ahead = Collected(await f.host.watchCommitted(ahead: true))
        let doomed = UUID()
        await f.host.receive(ClientCommand(id: doomed, timestampMillis: 1, body: .deviceDrag(id: f.device, position: Vec3(9, 0, 0))), from: joined.session)
        _ = try await sink.wait(for: "error", ref: doomed)
        try await ahead.wait { $0.filter { $0.kind == "state" }.count >= 2 }
        let seen = ahead.all
        let accepted = try #require(seen.first { $0.kind == "accepted" })
        #expect(!seen.contains { $0.kind == "events" && $0.first == accepted.first }, "the doomed events are never committed")
        let rebuilt = try #require(seen.last { $0.kind == "state" }?.state)
        #expect(rebuilt.devices[f.device]?.position == Vec3(42, 0, 0), "the whole state shows what the ledger holds")
        ahead.task?.cancel()
        await f.shutdown()
    }
}
