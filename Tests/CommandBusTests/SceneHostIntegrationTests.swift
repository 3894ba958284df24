import Foundation
import Logging
import ScenecastTestSupport
import Synchronization
import Testing
@testable import CommandBus
@testable import SceneLedger

/// Collects what a host sends one participant.
final class RecordingSink: ParticipantSink {
    private let messages = Mutex<[JSONValue]>([])
    private let closedWith = Mutex<CommandError?>(nil)

    func send(_ message: ServerMessage) { messages.withLock { $0.append(message.json) } }
    func close(reason: CommandError) { closedWith.withLock { $0 = reason } }

    var received: [JSONValue] { messages.withLock { $0 } }
    var closeReason: CommandError? { closedWith.withLock { $0 } }

    /// Waits for a message of `type` (optionally about command `ref`).
    func wait(for type: String, ref: UUID? = nil, seconds: Double = 10) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let m = received.last(where: {
                $0["type"]?.stringValue == type && (ref == nil || $0["ref"]?.stringValue == ref!.uuidString.lowercased())
            }) { return m }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CancellationError()
    }
}

@Suite("SceneHost write path against PostgreSQL", .serialized)
struct SceneHostIntegrationTests {
    struct Fixture {
        let store: LedgerStore
        let writer: LedgerWriter
        let host: SceneHost
        let scene: UUID
        let tasks: [Task<Void, any Error>]
        let device: UUID

        func shutdown() async {
            await host.stop(reason: CommandError(.unavailable, "test over"))
            writer.beginShutdown()
            for t in tasks { _ = try? await t.value }
            await store.close()
        }
    }

    func fixture() async throws -> Fixture {
        let db = try await TestDatabase.make()
        let seeded = try await SeededScene.make(db, name: "host test")
        let (store, writer, writerTask, scene, device) = (seeded.store, seeded.writer, seeded.writerTask, seeded.scene, seeded.device)
        let host = SceneHost(sceneID: scene, store: store, writer: writer, picker: nil, holder: "test-host", logger: db.logger)
        try await host.load()
        let hostTask = Task { try await host.run() }
        return Fixture(store: store, writer: writer, host: host, scene: scene, tasks: [writerTask, hostTask], device: device)
    }

    func drag(_ device: UUID, to x: Double, id: UUID = UUID()) -> ClientCommand {
        ClientCommand(id: id, timestampMillis: 1, body: .deviceDrag(id: device, position: Vec3(x, 0, 0)))
    }

    @Test("an accepted command is applied at once, acknowledged only after its commit, and stored")
    func ackAfterCommit() async throws {
        let f = try await fixture()
        let sink = RecordingSink()
        let joined = try await f.host.join(actor: UUID(), name: "Ada", role: .driver, sink: sink, clientTimeMillis: 1)
        let id = UUID()
        await f.host.receive(drag(f.device, to: 5, id: id), from: joined.session)
        let update = try await sink.wait(for: "state:update", ref: id)
        let ack = try await sink.wait(for: "ack", ref: id)
        let version = Int64(try #require(ack["version"]?.doubleValue))
        #expect(update["version"]?.doubleValue == Double(version))
        // The update came before the ack.
        let order = sink.received.compactMap { m -> String? in
            m["ref"]?.stringValue == id.uuidString.lowercased() ? m["type"]?.stringValue : nil
        }
        #expect(order == ["state:update", "ack"])
        let stored = try await f.store.events(scene: f.scene, afterVersion: version - 1, throughVersion: version)
        #expect(stored.first?.commandID == id)
        // A retry of the same command id is answered with the same version, applied once.
        await f.host.receive(drag(f.device, to: 5, id: id), from: joined.session)
        try await Task.sleep(for: .milliseconds(100))
        #expect(sink.received.filter { $0["type"]?.stringValue == "ack" && $0["ref"]?.stringValue == id.uuidString.lowercased() }.count == 2)
        #expect(try await f.store.headVersion(of: f.scene) == version)
        await f.shutdown()
    }

    @Test("a failed commit is reported as an error, and the live state is rebuilt from the ledger")
    func failedCommitRebuilds() async throws {
        let f = try await fixture()
        let sink = RecordingSink()
        let joined = try await f.host.join(actor: UUID(), name: "Ada", role: .driver, sink: sink, clientTimeMillis: 1)
        _ = try await sink.wait(for: "state:full")
        // Settle the join, then let a foreign writer append under the host's own lease epoch,
        // so the host's next append finds the scene's head moved.
        let first = UUID()
        await f.host.receive(drag(f.device, to: 1, id: first), from: joined.session)
        _ = try await sink.wait(for: "ack", ref: first)
        let head = try await f.store.headVersion(of: f.scene)
        let epoch = try await f.store.pool.withConnection { c throws(LedgerError) in
            try await c.query("SELECT epoch FROM scene_leases WHERE scene_id = $1", [f.scene.uuidString])
        }.first?[0].flatMap { Int64($0) }
        let lease = SceneLease(sceneID: f.scene, holder: "test-host", epoch: try #require(epoch))
        let foreign = LedgerWriter(conninfo: f.store.conninfo, logger: f.store.logger)
        let foreignTask = Task { try await foreign.run() }
        _ = try await foreign.append(
            AppendRequest(
                lease: lease, sessionID: UUID(), actorID: UUID(), commandID: UUID(), clientTimeMillis: 1,
                events: [NewEvent(.deviceMoved(id: f.device, position: Vec3(42, 0, 0)))]
            )
        )
        foreign.beginShutdown()
        try await foreignTask.value

        let doomed = UUID()
        let fullsBefore = sink.received.filter { $0["type"]?.stringValue == "state:full" }.count
        await f.host.receive(drag(f.device, to: 9, id: doomed), from: joined.session)
        let error = try await sink.wait(for: "error", ref: doomed)
        #expect(error["code"]?.stringValue == "conflict")
        // Rebuilt: a fresh state:full shows what the ledger holds, the foreign move included.
        let deadline = Date().addingTimeInterval(10)
        while sink.received.filter({ $0["type"]?.stringValue == "state:full" }).count == fullsBefore && Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let full = try #require(sink.received.last { $0["type"]?.stringValue == "state:full" })
        let moved = full["devices"]?.arrayValue?.first { $0["id"]?.stringValue == f.device.uuidString.lowercased() }
        #expect(moved?["position"] == [42, 0, 0])
        #expect(full["version"]?.doubleValue == Double(head + 1))
        // The refused command is not in the ledger; the next one goes through.
        let stored = try await f.store.events(scene: f.scene, afterVersion: 0)
        #expect(!stored.contains { $0.commandID == doomed })
        let next = UUID()
        await f.host.receive(drag(f.device, to: 3, id: next), from: joined.session)
        let ack = try await sink.wait(for: "ack", ref: next)
        #expect(ack["version"]?.doubleValue == Double(head + 2))
        #expect(try await f.store.verify(scene: f.scene).isIntact)
        await f.shutdown()
    }

    @Test("a host whose lease was taken over is fenced: the command fails and participants are dropped")
    func fencedHost() async throws {
        let f = try await fixture()
        let sink = RecordingSink()
        let joined = try await f.host.join(actor: UUID(), name: "Ada", role: .driver, sink: sink, clientTimeMillis: 1)
        _ = try await sink.wait(for: "state:full")
        try await Task.sleep(for: .milliseconds(100))
        let head = try await f.store.headVersion(of: f.scene)
        _ = try await f.store.acquireLease(scene: f.scene, holder: "another-node", steal: true)
        let id = UUID()
        await f.host.receive(drag(f.device, to: 7, id: id), from: joined.session)
        let error = try await sink.wait(for: "error", ref: id)
        #expect(error["code"]?.stringValue == "fenced")
        try await Task.sleep(for: .milliseconds(100))
        #expect(sink.closeReason?.code == .fenced)
        #expect(await f.host.isStopped)
        #expect(try await f.store.headVersion(of: f.scene) == head)
        await f.shutdown()
    }
}
