public import Foundation

/// One event to append, before the ledger gives it a version, time and hash.
public struct NewEvent: Sendable, Equatable {
    public var type: String
    public var schemaVersion: Int16
    /// Canonical JSON bytes of the payload.
    public var payload: [UInt8]

    public init(type: String, schemaVersion: Int16, payload: [UInt8]) {
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
    }
}

/// A lease on one scene, held by the one process allowed to append to it.
public struct SceneLease: Sendable, Equatable {
    public let sceneID: UUID
    public let holder: String
    /// Increases with every takeover; appends carrying an older epoch are fenced off.
    public let epoch: Int64

    package init(sceneID: UUID, holder: String, epoch: Int64) {
        self.sceneID = sceneID
        self.holder = holder
        self.epoch = epoch
    }
}

/// The events one command produced: appended together, atomically, or not at all.
///
/// The command id makes the append idempotent: a retried command id appends nothing and
/// returns the result of the original append.
public struct AppendRequest: Sendable {
    public var lease: SceneLease
    public var sessionID: UUID
    public var actorID: UUID
    public var commandID: UUID
    public var clientTimeMillis: Int64
    /// When set, the append fails with `conflict` unless the scene's head is this version.
    public var expectedVersion: Int64?
    public var events: [NewEvent]
    /// When the command was accepted (microseconds since the Unix epoch), for a writer that
    /// told others of the events before the ledger committed them: the events are recorded
    /// at this time, or at the scene's last recorded time if that is later, so what was told
    /// matches what is committed. Nil: when the ledger writes them.
    public var recordedAtMicros: Int64?

    public init(
        lease: SceneLease, sessionID: UUID, actorID: UUID, commandID: UUID, clientTimeMillis: Int64,
        expectedVersion: Int64? = nil, events: [NewEvent], recordedAtMicros: Int64? = nil
    ) {
        self.lease = lease
        self.sessionID = sessionID
        self.actorID = actorID
        self.commandID = commandID
        self.clientTimeMillis = clientTimeMillis
        self.expectedVersion = expectedVersion
        self.events = events
        self.recordedAtMicros = recordedAtMicros
    }

    public var sceneID: UUID { lease.sceneID }
}

/// What a committed (or previously committed) append produced.
public struct AppendResult: Sendable, Equatable {
    public var sceneID: UUID
    public var firstVersion: Int64
    /// The version of the command's last event: the one acknowledged to the client.
    public var lastVersion: Int64
    public var lastPosition: Int64
    public var recordedAtMicros: Int64
    /// True when the command id had been appended before and nothing new was written.
    public var duplicate: Bool
}
