package import Foundation
package import Logging
package import SceneLedger

/// A scene's render state, followed live from the ledger: what a streamer's view draws.
///
/// `updates()` loads the newest snapshot plus the tail after it, yields one update holding
/// all of it, then follows the scene's committed events and yields one update per batch.
/// Updates the consumer has not taken yet are merged, so a slow consumer gets the latest
/// state with the union of the changes it missed, never a backlog; applying a change twice
/// is harmless, since `GPUScene` reads what exists from the state.
package struct SceneFeed: Sendable {
    /// The state at `version`, and what changed since the previous update.
    package struct Update: Sendable {
        package let state: SceneState
        /// Everything for the first update (as a fresh `RenderProjection` gives), then the
        /// changes since the update before, each once.
        package let changes: [RenderChange]
        package let version: Int64

        package init(state: SceneState, changes: [RenderChange], version: Int64) {
            self.state = state
            self.changes = changes
            self.version = version
        }

        /// This update with the changes of an earlier one that was never taken.
        func merged(after earlier: Update) -> Update {
            var seen = Set<RenderChange>()
            let union = (earlier.changes + changes).filter { seen.insert($0).inserted }
            return Update(state: state, changes: union, version: version)
        }
    }

    private let store: LedgerStore
    private let notifier: LedgerNotifier
    private let scene: UUID
    private let logger: Logger

    package init(store: LedgerStore, notifier: LedgerNotifier, scene: UUID, logger: Logger) {
        self.store = store
        self.notifier = notifier
        self.scene = scene
        self.logger = logger
    }

    /// Loads the latest snapshot plus the tail (LedgerStore's state-at-latest path), yields
    /// one update holding all of it, then one update per batch of newly committed events
    /// (events already available when the consumer asks are coalesced into one update).
    /// An unknown scene ends the stream with a `LedgerError` of code `notFound`; ending the
    /// iteration (or cancelling its task) stops following the ledger.
    package func updates() -> AsyncThrowingStream<SceneFeed.Update, any Error> {
        // Newest only: an update replaced before it was taken is merged into its successor.
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Update.self, bufferingPolicy: .bufferingNewest(1))
        let task = Task { [store, notifier, scene, logger] in
            do {
                guard try await store.scene(scene) != nil else {
                    throw LedgerError(.notFound, "Scene \(scene.uuidString.lowercased()) does not exist")
                }
                var projection = RenderProjection(state: try await store.state(scene: scene))
                Self.yield(projection.takeChanges(), of: projection, to: continuation)
                logger.debug("scene feed following", metadata: ["scene": "\(scene)", "version": "\(projection.version)"])
                for try await event in store.subscribe(scene: scene, afterVersion: projection.version, notifier: notifier) {
                    guard event.version > projection.version else { continue }
                    try projection.apply(event)
                    Self.yield(projection.takeChanges(), of: projection, to: continuation)
                }
                continuation.finish()
            } catch {
                if !Task.isCancelled {
                    logger.warning("scene feed stopped", metadata: ["scene": "\(scene)", "error": "\(error)"])
                }
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Yields the projection's state; when that displaces an update the consumer never
    /// took, yields again with both updates' changes.
    private static func yield(
        _ changes: [RenderChange], of projection: RenderProjection,
        to continuation: AsyncThrowingStream<Update, any Error>.Continuation
    ) {
        let update = Update(state: projection.state, changes: changes, version: projection.version)
        if case .dropped(let earlier) = continuation.yield(update) {
            continuation.yield(update.merged(after: earlier))
        }
    }
}
