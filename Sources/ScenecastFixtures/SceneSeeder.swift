package import Foundation
package import Logging
package import SceneLedger
import ScenecastTerminal

/// Creates scenes and seeds demo factories through the real write path.
package struct SceneSeeder: Sendable {
    package let store: LedgerStore
    package let conninfo: String
    package let logger: Logger

    package init(store: LedgerStore, conninfo: String, logger: Logger) {
        self.store = store
        self.conninfo = conninfo
        self.logger = logger
    }

    /// The pseudonymous actor that system-made events carry.
    package static let systemActor = UUID(uuidString: "00000000-0000-4000-8000-000000000001")!

    /// Creates a scene, appends `scene.created` and, with `demoDevices > 0`, a demo plant.
    package func create(name: String, demoDevices: Int, id: UUID = UUID()) async throws -> UUID {
        try await store.createScene(id: id, name: name)
        let lease = try await store.acquireLease(scene: id, holder: "seeder-\(ProcessInfo.processInfo.processIdentifier)")
        let writer = LedgerWriter(conninfo: conninfo, logger: logger)
        let runner = Task { try await writer.run() }
        defer { runner.cancel() }
        do {
            try await seed(writer: writer, lease: lease, name: name, demoDevices: demoDevices)
            writer.beginShutdown()
            try await runner.value
            await store.releaseLease(lease)
            return id
        } catch {
            writer.beginShutdown()
            _ = try? await runner.value
            await store.releaseLease(lease)
            throw error
        }
    }

    /// Appends `scene.created` (if the scene is empty) and the demo plant's devices and
    /// connections, one command per device or connection, with progress on the terminal.
    package func seed(writer: LedgerWriter, lease: SceneLease, name: String, demoDevices: Int) async throws {
        let session = UUID()
        // Phases run in order (a connection needs its devices); within a phase, one
        // command per event is submitted concurrently and the writer batches them.
        var phases: [[SceneEvent]] = []
        if try await store.headVersion(of: lease.sceneID) == 0 { phases.append([.sceneCreated(name: name)]) }
        if demoDevices > 0 {
            let factory = DemoFactory(deviceCount: demoDevices)
            phases.append(factory.devices.map { .deviceAdded($0) })
            phases.append(factory.connections.map { .connectionCreated($0) })
        }
        let total = phases.reduce(0) { $0 + $1.count }
        guard total > 0 else { return }
        let progress = ProgressLine("seeding \(name)", total: Int64(total))
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        var done = 0
        for phase in phases {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, event) in phase.enumerated() {
                    if i >= 256 {
                        try await group.next()
                        done += 1
                        progress.update(Int64(done))
                    }
                    group.addTask {
                        _ = try await writer.append(
                            AppendRequest(
                                lease: lease, sessionID: session, actorID: SceneSeeder.systemActor, commandID: UUIDv7Generator.shared.next(),
                                clientTimeMillis: now, events: [NewEvent(event)]
                            )
                        )
                    }
                }
                while try await group.next() != nil {
                    done += 1
                    progress.update(Int64(done))
                }
            }
        }
        progress.finish(Int64(total), note: "\(demoDevices) devices")
    }
}
