import Foundation
import Logging
import Renderer
import SceneLedger
import ScenecastTestSupport
import Testing

/// `SceneFeed` against a real PostgreSQL: snapshot plus tail first, then live batches,
/// each update's state hashing like the ledger's fold at its version.
@Suite("Scene feed against PostgreSQL", .serialized)
struct SceneFeedIntegrationTests {
    /// The fold of every stored event up to `version`, as the command bus projects it.
    func fold(_ store: LedgerStore, _ scene: UUID, through version: Int64) async throws -> SceneState {
        var state = SceneState(sceneID: scene)
        for event in try await store.events(scene: scene, afterVersion: 0, throughVersion: version) { try state.apply(event) }
        return state
    }

    func append(_ writer: LedgerWriter, _ lease: SceneLease, _ events: [SceneEvent]) async throws {
        _ = try await writer.append(AppendRequest(
            lease: lease, sessionID: UUID(), actorID: UUID(), commandID: UUID(),
            clientTimeMillis: 1_700_000_000_000, events: events.map(NewEvent.init)))
    }

    func device(_ id: UUID, x: Double) -> Device {
        Device(id: id, kind: .conveyor, name: "belt", model: .builtin("conveyor"), position: Vec3(x, 0, 0))
    }

    @Test("the first update holds snapshot plus tail; later ones follow commits with the fold's hash")
    func follows() async throws {
        let db = try await TestDatabase.make()
        let notifier = LedgerNotifier(conninfo: db.conninfo, heartbeatMillis: 200, logger: db.logger)
        let notifierTask = Task { try await notifier.run() }
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let writer = LedgerWriter(conninfo: db.conninfo, logger: db.logger)
        let writerTask = Task { try await writer.run() }
        let scene = UUID()
        try await store.createScene(id: scene, name: "feed")
        let lease = try await store.acquireLease(scene: scene, holder: "test")
        let ids = (0..<4).map { _ in UUID() }

        // Three devices, a snapshot at that point, then a tail of two more events.
        try await append(writer, lease, [.sceneCreated(name: "feed")] + ids.prefix(3).enumerated().map { .deviceAdded(device($1, x: Double($0 * 4))) })
        try await store.writeSnapshot(try await fold(store, scene, through: 4))
        try await append(writer, lease, [.connectionCreated(Connection(id: UUID(), source: ids[0], target: ids[1], kind: .data))])
        try await append(writer, lease, [.deviceMoved(id: ids[2], position: Vec3(9, 0, 9))])

        let feed = SceneFeed(store: store, notifier: notifier, scene: scene, logger: db.logger)
        var updates = feed.updates().makeAsyncIterator()
        let first = try #require(try await updates.next())
        #expect(first.version == 6)
        #expect(first.state.stateHash == (try await fold(store, scene, through: 6)).stateHash)
        for id in ids.prefix(3) { #expect(first.changes.contains(.deviceAdded(id))) }
        #expect(first.changes.contains(.highlights))

        // Live: each commit arrives, possibly coalesced, and hashes like the fold.
        try await append(writer, lease, [.deviceAdded(device(ids[3], x: 20))])
        try await append(writer, lease, [.deviceMoved(id: ids[0], position: Vec3(1, 0, 1)), .latencyProbed(participant: UUID(), probe: "p")])
        try await append(writer, lease, [.deviceRemoved(id: ids[1])])
        var seen: [RenderChange] = []
        var last = first
        while last.version < 10 {
            let update = try #require(try await updates.next())
            #expect(update.version > last.version)
            #expect(update.state.version == update.version)
            #expect(update.state.stateHash == (try await fold(store, scene, through: update.version)).stateHash)
            seen += update.changes
            last = update
        }
        #expect(last.version == 10)
        for change: RenderChange in [.deviceAdded(ids[3]), .deviceChanged(ids[0]), .probe, .deviceRemoved(ids[1])] {
            #expect(seen.contains(change), "\(change) was delivered")
        }
        #expect(last.state.devices.count == 3 && last.state.probeMarker == 1)

        writer.beginShutdown()
        try await writerTask.value
        notifierTask.cancel()
        _ = try? await notifierTask.value
        await store.close()
    }

    @Test("an unknown scene ends the feed with not_found")
    func unknownScene() async throws {
        let db = try await TestDatabase.make()
        let notifier = LedgerNotifier(conninfo: db.conninfo, heartbeatMillis: 200, logger: db.logger)
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let feed = SceneFeed(store: store, notifier: notifier, scene: UUID(), logger: db.logger)
        let error = await #expect(throws: LedgerError.self) {
            for try await _ in feed.updates() {}
        }
        #expect(error?.code == .notFound)
        await store.close()
    }
}
