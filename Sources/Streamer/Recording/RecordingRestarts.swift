import Synchronization

/// Where a view's always-on recording stands after failures, for `/api/views`.
package struct RecordingRestartStatus: Sendable, Equatable {
    /// Failures since the recording last was healthy (0: none).
    package var failuresInRow: Int
    /// Restarts that succeeded over the view's life.
    package var restarts: Int
    /// When the next restart runs (wall clock, microseconds); nil when none waits.
    package var retryAtMicros: Int64?
    /// The last failure's message.
    package var lastError: String?
}

/// The restart state of every view's recording under `serve --record`: its backoff
/// (`RecordingBackoff`), the restart waiting to run, and the last failure. Shared by the
/// Streamer's recording code through `RecordingSettings`; every access is under one lock.
package final class RecordingRestarts: Sendable {
    struct Entry {
        var backoff: RecordingBackoff
        /// Bumped at every start and stop: a failure reported by an older recording is ignored.
        var generation = 0
        var pending: Task<Void, Never>?
        var retryAtMicros: Int64?
        var lastError: String?
    }

    private let policy: RecordingBackoff
    private let entries = Mutex<[Streamer.ViewKey: Entry]>([:])

    package init(policy: RecordingBackoff = RecordingBackoff()) {
        self.policy = policy
    }

    /// A recording of `key` is about to start: the generation its failures report.
    func begin(_ key: Streamer.ViewKey) -> Int {
        update(key) { entry in
            entry.generation += 1
            return entry.generation
        }
    }

    /// Whether `generation` is still the latest start (no stop or other start came since).
    func isCurrent(_ key: Streamer.ViewKey, generation: Int) -> Bool {
        entries.withLock { $0[key]?.generation == generation }
    }

    /// It started; any waiting restart is dropped.
    func started(_ key: Streamer.ViewKey, nowNanos: UInt64, restart: Bool) {
        update(key) { entry in
            entry.pending?.cancel()
            entry.pending = nil
            entry.retryAtMicros = nil
            entry.backoff.started(atNanos: nowNanos, restart: restart)
        }
    }

    func segmentClosed(_ key: Streamer.ViewKey) {
        update(key) { $0.backoff.segmentClosed() }
    }

    /// The recording of `generation` (nil: the start itself) failed: the wait before the
    /// restart, or nil when that recording was already replaced or stopped.
    func failed(_ key: Streamer.ViewKey, generation: Int?, message: String, nowNanos: UInt64, nowMicros: Int64) -> UInt64? {
        update(key) { entry -> UInt64? in
            guard generation == nil || generation == entry.generation, entry.pending == nil else { return nil }
            let delay = entry.backoff.failed(atNanos: nowNanos)
            entry.retryAtMicros = nowMicros + Int64(delay / 1_000)
            entry.lastError = message
            return delay
        }
    }

    /// Holds the task that restarts the recording after its wait.
    func schedule(_ key: Streamer.ViewKey, _ task: Task<Void, Never>) {
        update(key) { entry in
            entry.pending?.cancel()
            entry.pending = task
        }
    }

    /// The waiting restart is due: true when it is still wanted (not stopped meanwhile).
    func takeDue(_ key: Streamer.ViewKey) -> Bool {
        update(key) { entry in
            defer { entry.pending = nil }
            return entry.pending != nil
        }
    }

    /// An admin stopped the recording: no restart waits, and a late failure (or a restart
    /// being tried right now) is ignored. True when a restart was waiting or being tried.
    func stop(_ key: Streamer.ViewKey) -> Bool {
        update(key) { entry in
            defer {
                entry.pending?.cancel()
                entry.pending = nil
                entry.retryAtMicros = nil
                entry.generation += 1
            }
            // retryAt stays set from the failure until a restart works.
            return entry.pending != nil || entry.retryAtMicros != nil
        }
    }

    /// Forgets the views that no longer exist (cancelling their waiting restarts).
    func keep(only live: Set<Streamer.ViewKey>) {
        entries.withLock { entries in
            for key in entries.keys where !live.contains(key) {
                entries[key]?.pending?.cancel()
                entries.removeValue(forKey: key)
            }
        }
    }

    func status(_ key: Streamer.ViewKey) -> RecordingRestartStatus? {
        entries.withLock { entries in
            entries[key].map {
                RecordingRestartStatus(
                    failuresInRow: $0.backoff.failuresInRow, restarts: $0.backoff.restarts, retryAtMicros: $0.retryAtMicros,
                    lastError: $0.lastError)
            }
        }
    }

    private func update<T: Sendable>(_ key: Streamer.ViewKey, _ body: (inout Entry) -> T) -> T {
        entries.withLock { entries in
            var entry = entries[key] ?? Entry(backoff: policy)
            defer { entries[key] = entry }
            return body(&entry)
        }
    }
}
