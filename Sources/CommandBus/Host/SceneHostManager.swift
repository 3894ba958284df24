package import Foundation
package import Logging
package import SceneLedger
import ServiceLifecycle

/// Starts a `SceneHost` the first time a scene is joined and runs every host as a child
/// task of its own `run`, so the service group's shutdown reaches each of them.
package actor SceneHostManager: Service {
    let store: LedgerStore
    let writer: LedgerWriter
    let picker: (any DevicePicker)?
    let holder: String
    let snapshotPolicy: SnapshotPolicy
    let logger: Logger
    private var hosts: [UUID: SceneHost] = [:]
    private var loading: [UUID: Task<SceneHost, any Error>] = [:]
    private let started: AsyncStream<SceneHost>
    private let startedSink: AsyncStream<SceneHost>.Continuation

    package init(
        store: LedgerStore, writer: LedgerWriter, picker: (any DevicePicker)?, holder: String,
        snapshotPolicy: SnapshotPolicy = SnapshotPolicy(), logger: Logger
    ) {
        self.store = store
        self.writer = writer
        self.picker = picker
        self.holder = holder
        self.snapshotPolicy = snapshotPolicy
        self.logger = logger
        (started, startedSink) = AsyncStream.makeStream(of: SceneHost.self)
    }

    /// The running host of a scene, started (lease taken, state loaded) on first use.
    package func host(for scene: UUID) async throws(LedgerError) -> SceneHost {
        if let host = hosts[scene], await !host.isStopped { return host }
        if let pending = loading[scene] {
            do { return try await pending.value } catch { throw LedgerManagerError.wrap(error) }
        }
        let host = SceneHost(
            sceneID: scene, store: store, writer: writer, picker: picker, holder: holder,
            snapshotPolicy: snapshotPolicy, logger: logger
        )
        let task = Task { () async throws -> SceneHost in
            try await host.load()
            return host
        }
        loading[scene] = task
        defer { loading[scene] = nil }
        do {
            let loaded = try await task.value
            hosts[scene] = loaded
            startedSink.yield(loaded)
            return loaded
        } catch {
            throw LedgerManagerError.wrap(error)
        }
    }

    /// Hosted scenes with their versions and participant counts, for `/health`.
    package func summary() async -> [(scene: UUID, version: Int64, participants: Int)] {
        var out: [(UUID, Int64, Int)] = []
        for (id, host) in hosts where await !host.isStopped {
            out.append((id, await host.version, await host.participantCount))
        }
        return out.sorted { $0.0.precedes($1.0) }
    }

    package func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for await host in self.started.cancelOnGracefulShutdown() {
                    group.addTask {
                        do { try await host.run() } catch {
                            self.logger.error("scene host failed", metadata: ["error": "\(error)"])
                        }
                    }
                }
                // Shutting down: stop every host; their run() calls then return.
                for host in self.allHosts() {
                    await host.stop(reason: CommandError(.unavailable, "the server is shutting down"))
                }
                await group.waitForAll()
            }
        } onGracefulShutdown: {
            self.startedSink.finish()
        }
    }

    private func allHosts() -> [SceneHost] { Array(hosts.values) }
}

/// Task values come back as `any Error`; everything a host load throws is a LedgerError.
enum LedgerManagerError {
    static func wrap(_ error: any Error) -> LedgerError {
        (error as? LedgerError) ?? LedgerError(.query, "The scene could not be loaded", underlying: error)
    }
}
