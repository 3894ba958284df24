package import Foundation
package import Logging

/// Erases a person (GDPR): records a PII-free `actor.erased` event in every scene the
/// actor appears in, then deletes the identity from `actors`. No event is changed, so
/// every chain keeps verifying; exports and replays show the pseudonymous id from then on.
package struct ActorEraser: Sendable {
    package let store: LedgerStore
    package let conninfo: String
    package let logger: Logger
    /// The pseudonymous actor the erasure events are recorded under (the operator's tool).
    package let operatorActor: UUID

    package init(store: LedgerStore, conninfo: String, operatorActor: UUID, logger: Logger) {
        self.store = store
        self.conninfo = conninfo
        self.operatorActor = operatorActor
        self.logger = logger
    }

    package struct Result: Sendable, Equatable {
        /// The scenes that got an `actor.erased` event, with its version.
        package var events: [UUID: Int64]
        /// Whether an identity row existed.
        package var hadIdentity: Bool
    }

    package func erase(actor: UUID, holder: String) async throws(LedgerError) -> Result {
        let scenes = try await store.scenes(touchedBy: actor)
        let hadIdentity = try await store.identities([actor])[actor] != nil
        guard !scenes.isEmpty || hadIdentity else {
            throw LedgerError(.notFound, "Actor \(actor.lowercasedString) does not appear in any scene or identity")
        }
        // Take every lease first, so that nothing is recorded unless everything can be.
        var leases: [SceneLease] = []
        do {
            for scene in scenes { leases.append(try await store.acquireLease(scene: scene, holder: holder)) }
        } catch {
            for lease in leases { await store.releaseLease(lease) }
            throw error
        }
        let writer = LedgerWriter(conninfo: conninfo, logger: logger)
        let runner = Task { try await writer.run() }
        var events: [UUID: Int64] = [:]
        var failure: LedgerError?
        for lease in leases {
            do {
                let result = try await writer.append(
                    AppendRequest(
                        lease: lease, sessionID: UUID(), actorID: operatorActor, commandID: UUIDv7Generator.shared.next(),
                        clientTimeMillis: WallClock.nowMicros() / 1_000, events: [NewEvent(.actorErased(actor: actor))]))
                events[lease.sceneID] = result.lastVersion
            } catch {
                failure = error
                break
            }
        }
        writer.beginShutdown()
        _ = try? await runner.value
        for lease in leases { await store.releaseLease(lease) }
        if let failure { throw failure }
        try await store.eraseIdentity(actor: actor)
        return Result(events: events, hadIdentity: hadIdentity)
    }
}
