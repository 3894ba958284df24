package import Foundation
package import SceneLedger

/// A fresh scene with one conveyor, committed through a running `LedgerWriter`: what the
/// scene-host and streaming integration tests start from.
package struct SeededScene: Sendable {
    package let store: LedgerStore
    package let writer: LedgerWriter
    package let writerTask: Task<Void, any Error>
    package let scene: UUID
    package let device: UUID

    package static func make(_ db: TestDatabase, name: String) async throws -> SeededScene {
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let writer = LedgerWriter(conninfo: db.conninfo, logger: db.logger)
        let writerTask = Task { try await writer.run() }
        let scene = UUID()
        let device = UUID()
        try await store.createScene(id: scene, name: name)
        let lease = try await store.acquireLease(scene: scene, holder: "seed")
        for event: SceneEvent in [
            .sceneCreated(name: name),
            .deviceAdded(Device(id: device, kind: .conveyor, name: "C1", model: .builtin("conveyor"), position: .zero)),
        ] {
            _ = try await writer.append(
                AppendRequest(lease: lease, sessionID: UUID(), actorID: UUID(), commandID: UUID(), clientTimeMillis: 0, events: [NewEvent(event)])
            )
        }
        await store.releaseLease(lease)
        return SeededScene(store: store, writer: writer, writerTask: writerTask, scene: scene, device: device)
    }
}
