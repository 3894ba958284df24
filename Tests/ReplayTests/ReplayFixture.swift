import Foundation
import Logging
import SceneLedger
import ScenecastTestSupport

/// A small but real session history, appended through the real writer: a plant of three
/// devices and a connection, then Ann (driver) and Bob (observer) join, move the camera,
/// select and move devices, and Ann leaves.
struct ReplayFixture {
    let db: TestDatabase
    let scene: UUID
    let ann: UUID  // Ann's session (participant id)
    let bob: UUID
    let annActor: UUID
    let bobActor: UUID
    let devices: [Device]
    /// Every event, in version order.
    let events: [RecordedEvent]

    /// `pacing`: a pause before each extra move, so that the session spans real time.
    static func make(extraMoves: Int = 20, snapshotEvery: Int64? = nil, pacing: Duration? = nil) async throws -> ReplayFixture {
        let db = try await TestDatabase.make()
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let writer = LedgerWriter(conninfo: db.conninfo, logger: db.logger)
        let runner = Task { try await writer.run() }
        let scene = UUID()
        try await store.createScene(id: scene, name: "replay fixture")
        let lease = try await store.acquireLease(scene: scene, holder: "replay-tests")
        let (ann, bob, annActor, bobActor) = (UUID(), UUID(), UUID(), UUID())
        let devices = (0..<3).map { i in
            Device(
                id: UUID(), kind: [.workCenter, .robotArm, .conveyor][i], name: "device \(i + 1)",
                model: .builtin(["work_center", "robot_arm", "conveyor"][i]), position: Vec3(Double(i) * 4 - 4, 0, 0))
        }
        let system = UUID()
        func append(_ session: UUID, _ actor: UUID, _ events: [SceneEvent]) async throws {
            _ = try await writer.append(
                AppendRequest(
                    lease: lease, sessionID: session, actorID: actor, commandID: UUID(), clientTimeMillis: 1_700_000_000_000,
                    events: events.map(NewEvent.init)))
        }
        try await append(system, system, [.sceneCreated(name: "replay fixture")])
        for d in devices { try await append(system, system, [.deviceAdded(d)]) }
        try await append(
            system, system, [.connectionCreated(Connection(id: UUID(), source: devices[0].id, target: devices[1].id, kind: .material, direction: .forward))])
        try await store.recordSession(id: ann, scene: scene, actor: annActor, name: "Ann Example", role: "driver")
        try await store.recordIdentity(actor: annActor, displayName: nil, email: "ann@example.com", ip: "192.0.2.7")
        try await append(ann, annActor, [.participantJoined(participant: ann, actor: annActor, role: .driver)])
        try await append(ann, annActor, [.cameraChanged(participant: ann, camera: Camera(target: Vec3(0, 0.5, 0), distance: 14, azimuth: 30, elevation: 30, fov: 50))])
        try await append(ann, annActor, [.selectionChanged(participant: ann, device: devices[1].id)])
        try await store.recordSession(id: bob, scene: scene, actor: bobActor, name: "Bob Example", role: "observer")
        try await append(bob, bobActor, [.participantJoined(participant: bob, actor: bobActor, role: .observer)])
        for i in 0..<extraMoves {
            if let pacing { try await Task.sleep(for: pacing) }
            if i % 2 == 0 {
                try await append(ann, annActor, [.deviceMoved(id: devices[i % 3].id, position: Vec3(Double(i % 7) - 3, 0, Double(i % 5)))])
            } else {
                try await append(bob, bobActor, [.cameraChanged(participant: bob, camera: Camera(target: .zero, distance: 10 + Double(i), azimuth: Double(i * 7), elevation: 25, fov: 50))])
            }
        }
        try await append(ann, annActor, [.participantLeft(participant: ann)])
        await store.endSession(id: ann)
        writer.beginShutdown()
        try await runner.value
        await store.releaseLease(lease)
        if let snapshotEvery { try await store.catchUpSnapshots(scene: scene, policy: SnapshotPolicy(everyEvents: snapshotEvery)) }
        var all: [RecordedEvent] = []
        while true {
            let page = try await store.events(scene: scene, afterVersion: Int64(all.count), limit: 10_000)
            all += page
            if page.count < 10_000 { break }
        }
        await store.close()
        return ReplayFixture(db: db, scene: scene, ann: ann, bob: bob, annActor: annActor, bobActor: bobActor, devices: devices, events: all)
    }

    func withStore<T>(_ body: (LedgerStore) async throws -> T) async throws -> T {
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        do {
            let value = try await body(store)
            await store.close()
            return value
        } catch {
            await store.close()
            throw error
        }
    }

    /// Superuser SQL that bypasses the append-only trigger, as an attacker with database
    /// access could.
    func tamper(_ sql: String) async throws {
        let su = try await db.superuser()
        try await su.exec("SET session_replication_role = replica; \(sql); SET session_replication_role = origin")
        await su.close()
    }
}

/// A scratch folder for export files, removed by the caller.
func scratchFolder() throws -> String {
    let path = NSTemporaryDirectory() + "scenecast-replay-tests-" + UUID().uuidString.lowercased()
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
