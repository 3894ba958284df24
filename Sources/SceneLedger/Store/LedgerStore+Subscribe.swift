package import Foundation

extension LedgerStore {
    /// Every event after `afterPosition`, across all scenes, in commit order: first the
    /// backlog (catch-up), then new events as they commit. Each event is delivered exactly
    /// once, in position order, because positions are gapless and commit in order.
    package func subscribe(afterPosition: Int64, notifier: LedgerNotifier, pageSize: Int = 1_000)
        -> AsyncThrowingStream<RecordedEvent, any Error>
    {
        follow(notifier: notifier, start: afterPosition) { cursor throws(LedgerError) in
            let page = try await self.events(afterPosition: cursor, limit: pageSize)
            return (page, page.last?.position ?? cursor, page.count == pageSize)
        }
    }

    /// One scene's events after `afterVersion`, then live.
    package func subscribe(scene: UUID, afterVersion: Int64, notifier: LedgerNotifier, pageSize: Int = 1_000)
        -> AsyncThrowingStream<RecordedEvent, any Error>
    {
        follow(notifier: notifier, start: afterVersion) { cursor throws(LedgerError) in
            let page = try await self.events(scene: scene, afterVersion: cursor, limit: pageSize)
            return (page, page.last?.version ?? cursor, page.count == pageSize)
        }
    }

    private func follow(
        notifier: LedgerNotifier,
        start: Int64,
        read: @escaping @Sendable (Int64) async throws(LedgerError) -> ([RecordedEvent], Int64, Bool)
    ) -> AsyncThrowingStream<RecordedEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: RecordedEvent.self, bufferingPolicy: .bufferingOldest(10_000))
        let task = Task {
            var cursor = start
            do {
                while !Task.isCancelled {
                    let seen = notifier.generation
                    let (page, next, more) = try await read(cursor)
                    for event in page {
                        // Back-pressure: wait while the consumer's buffer is full.
                        while case .dropped = continuation.yield(event) {
                            try await Task.sleep(for: .milliseconds(5))
                        }
                    }
                    cursor = next
                    if !more {
                        if notifier.isStopped { break }
                        await notifier.waitForChange(after: seen)
                    }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
