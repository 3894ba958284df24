/// When to write a snapshot: every `everyEvents` events, or when `everySeconds` of scene
/// time have passed since the last one, whichever comes first.
package struct SnapshotPolicy: Sendable, Equatable {
    package var everyEvents: Int64
    package var everySeconds: Int64

    package init(everyEvents: Int64 = 1_000, everySeconds: Int64 = 300) {
        precondition(everyEvents > 0 && everySeconds > 0)
        self.everyEvents = everyEvents
        self.everySeconds = everySeconds
    }
}

/// A committed projection of one scene that knows when a snapshot is due. Pure.
///
/// Scene time (the events' `recorded_at`) decides the time rule, never the wall clock,
/// so replaying the same events decides the same snapshots.
package struct SceneProjector: Sendable {
    package private(set) var state: SceneState
    package let policy: SnapshotPolicy
    private var lastSnapshotVersion: Int64
    /// Scene time the time rule counts from; nil until the scene has an event.
    private var lastSnapshotTime: Int64?

    package init(state: SceneState, policy: SnapshotPolicy, lastSnapshotVersion: Int64? = nil, lastSnapshotTimeMicros: Int64? = nil) {
        self.state = state
        self.policy = policy
        self.lastSnapshotVersion = lastSnapshotVersion ?? state.version
        self.lastSnapshotTime = lastSnapshotTimeMicros ?? (state.version > 0 ? state.sceneTimeMicros : nil)
    }

    /// Folds one committed event in. Returns true when a snapshot of the new state is due.
    package mutating func apply(_ event: RecordedEvent) throws(LedgerError) -> Bool {
        try state.apply(event)
        if lastSnapshotTime == nil { lastSnapshotTime = state.sceneTimeMicros }
        return snapshotDue
    }

    /// Folds in an event whose commit the caller already knows (version and time).
    @discardableResult
    package mutating func apply(_ event: SceneEvent, version: Int64, recordedAtMicros: Int64) -> Bool {
        state.apply(event, version: version, recordedAtMicros: recordedAtMicros)
        if lastSnapshotTime == nil { lastSnapshotTime = state.sceneTimeMicros }
        return snapshotDue
    }

    package var snapshotDue: Bool {
        guard state.version > lastSnapshotVersion else { return false }
        if state.version - lastSnapshotVersion >= policy.everyEvents { return true }
        guard let lastSnapshotTime else { return false }
        return state.sceneTimeMicros - lastSnapshotTime >= policy.everySeconds * 1_000_000
    }

    /// Records that the current state was snapshotted.
    package mutating func snapshotWritten() {
        lastSnapshotVersion = state.version
        lastSnapshotTime = state.sceneTimeMicros
    }
}
