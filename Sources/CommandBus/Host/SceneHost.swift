package import Foundation
package import Logging
package import SceneLedger
import ServiceLifecycle

/// Hosts one scene: holds its writer lease, keeps the live projection, runs every command
/// of every participant through the dispatcher and the ledger, and fans out the results.
///
/// The write path, for each accepted command:
/// 1. the events are folded into the live state at once and `state:update` goes to every
///    participant (rendering never waits for the commit);
/// 2. the append is queued on the shared `LedgerWriter` in command order, expecting the
///    version the live state had before it;
/// 3. after the commit the sender gets `ack` with the committed version, and the events
///    are folded into the committed projection, which writes snapshots by policy;
/// 4. if a commit fails, the sender gets an error and the live state is rebuilt from the
///    ledger, with `state:full` to everyone, so no client believes in an unwritten event.
package actor SceneHost: Service {
    package let sceneID: UUID
    let store: LedgerStore
    let writer: LedgerWriter
    let dispatcher: CommandDispatcher
    let logger: Logger
    let holder: String
    let snapshotPolicy: SnapshotPolicy
    let leaseSeconds: Int

    var lease: SceneLease?
    /// Everything accepted, committed or not.
    var live: SceneState
    /// Only what the ledger has acknowledged.
    var committed: SceneProjector
    var sessions: [UUID: Session] = [:]
    /// Recently accepted command ids, so a client's retry (even from a new connection) is
    /// answered without applying the command twice.
    var recentCommands: [UUID: CommandStatus] = [:]
    var recentOrder: [UUID] = []
    /// Appends queued on the writer and not yet answered.
    var inFlight = 0
    /// Set when a commit failed: new commands are refused until the appends already in
    /// flight have come back and the live state has been rebuilt once from the ledger.
    var rebuilding = false
    var rebuildReason = ""
    /// Uploaded models known to be stored (content-addressed, so never invalidated).
    var knownAssets: Set<String> = []
    var stopped = false
    /// The lease release of the first `stop`, which later calls wait for.
    private var stopping: Task<Void, Never>?
    /// Watchers of the live state's changes (the streamer's views), by id.
    var watchers: [UUID: Watcher] = [:]
    /// Watchers that also hear of events accepted but not yet committed (`.accepted`).
    var watchersAhead: Set<UUID> = []
    /// Others' cameras and pointers, coalesced (`SceneHost+Presence`).
    var presence = PresenceCoalescer()
    /// `sessionNames`, until a session joins or leaves.
    var namesCache: [UUID: String]?
    let commits: AsyncStream<Commit>
    let commitSink: AsyncStream<Commit>.Continuation

    enum CommandStatus {
        /// Queued; these sessions want the ack.
        case inFlight(waiters: [UUID])
        case committed(version: Int64)
    }

    struct Session {
        var participant: Participant
        var sink: any ParticipantSink
        var name: String
        /// The size of the participant's view, for commands in pixels.
        var view: ViewSize = .standard
        /// The version of the last `state:full` or `state:update` sent to it.
        var sentVersion: Int64 = 0
    }

    /// A commit outcome, delivered to the host in the writer's order.
    struct Commit: Sendable {
        var sender: UUID?
        var commandID: UUID
        var events: [SceneEvent]
        var result: Result<AppendResult, LedgerError>
    }

    package init(
        sceneID: UUID, store: LedgerStore, writer: LedgerWriter, picker: (any DevicePicker)?, holder: String,
        snapshotPolicy: SnapshotPolicy = SnapshotPolicy(), leaseSeconds: Int = 30, logger: Logger
    ) {
        self.sceneID = sceneID
        self.store = store
        self.writer = writer
        self.dispatcher = CommandDispatcher(picker: picker)
        self.holder = holder
        self.snapshotPolicy = snapshotPolicy
        self.leaseSeconds = leaseSeconds
        var logger = logger
        logger[metadataKey: "scene"] = "\(sceneID)"
        self.logger = logger
        self.live = SceneState(sceneID: sceneID)
        self.committed = SceneProjector(state: SceneState(sceneID: sceneID), policy: snapshotPolicy)
        (commits, commitSink) = AsyncStream.makeStream(of: Commit.self)
    }

    /// Takes the lease and loads the scene (newest snapshot plus the tail).
    package func load() async throws(LedgerError) {
        guard try await store.scene(sceneID) != nil else {
            throw LedgerError(.notFound, "Scene \(sceneID) does not exist")
        }
        lease = try await store.acquireLease(scene: sceneID, holder: holder, ttlSeconds: leaseSeconds)
        try await reload()
        logger.info("scene hosted", metadata: ["version": "\(live.version)", "epoch": "\(lease!.epoch)"])
    }

    func reload() async throws(LedgerError) {
        let state = try await store.state(scene: sceneID)
        live = state
        committed = SceneProjector(state: state, policy: snapshotPolicy)
        recentCommands.removeAll()
        recentOrder.removeAll()
    }

    package var version: Int64 { live.version }
    package var participantCount: Int { sessions.count }
    package var liveState: SceneState { live }
    package var committedState: SceneState { committed.state }

    // MARK: - Service

    package func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.consumeCommits() }
                group.addTask { await self.renewLeases() }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            Task { await self.stop(reason: CommandError(.unavailable, "the server is shutting down")) }
        }
        await stop(reason: CommandError(.unavailable, "the scene host stopped"))
    }

    private func consumeCommits() async {
        for await commit in commits {
            await handle(commit)
        }
    }

    private func renewLeases() async {
        let interval = Duration.seconds(max(1, leaseSeconds / 3))
        while !Task.isCancelled && !stopped {
            try? await Task.sleep(for: interval)
            guard let lease, !stopped else { return }
            do {
                try await store.renewLease(lease, ttlSeconds: leaseSeconds)
            } catch where error.code == .fenced {
                logger.error("lost the scene's lease to another writer; stopping", metadata: ["error": "\(error)"])
                await stop(reason: CommandError(.fenced, "this scene is now hosted elsewhere; reconnect"))
                return
            } catch {
                logger.warning("could not renew the scene lease; will retry", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Drops every participant and lets the lease go. Every call returns only once the
    /// lease is released, however many callers race (the graceful-shutdown handler, the
    /// manager, `run`), so nothing outlives the service and touches a closed store.
    package func stop(reason: CommandError) async {
        if let stopping {
            await stopping.value
            return
        }
        stopped = true
        for session in sessions.values { session.sink.close(reason: reason) }
        sessions.removeAll()
        namesCache = nil
        for watcher in watchers.values { watcher.finish?() }
        watchers.removeAll()
        watchersAhead.removeAll()
        commitSink.finish()
        let (store, lease) = (self.store, self.lease)
        let release = Task { if let lease { await store.releaseLease(lease) } }
        stopping = release
        await release.value
    }

    package var isStopped: Bool { stopped }
}
