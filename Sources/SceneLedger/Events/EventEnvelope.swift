public import Foundation

/// An event as the ledger stores it: the payload plus everything the hash covers.
public struct RecordedEvent: Equatable, Sendable {
    /// Global, gapless position across all scenes, in commit order.
    public var position: Int64
    public var sceneID: UUID
    /// Per-scene version, gapless from 1.
    public var version: Int64
    public var sessionID: UUID
    /// Pseudonymous actor id.
    public var actorID: UUID
    public var commandID: UUID
    /// Index of this event among the events its command produced (0-based).
    public var commandSeq: Int16
    public var type: String
    public var schemaVersion: Int16
    /// Canonical JSON bytes of the payload, exactly as hashed and stored.
    public var payload: [UInt8]
    /// The client's timestamp, milliseconds since the Unix epoch.
    public var clientTimeMillis: Int64
    /// The server's time when the writer planned the batch (just before its transaction),
    /// microseconds since the Unix epoch; never earlier than the previous event's.
    public var recordedAtMicros: Int64
    public var prevHash: [UInt8]
    public var hash: [UInt8]

    package init(
        position: Int64, sceneID: UUID, version: Int64, sessionID: UUID, actorID: UUID, commandID: UUID,
        commandSeq: Int16, type: String, schemaVersion: Int16, payload: [UInt8], clientTimeMillis: Int64,
        recordedAtMicros: Int64, prevHash: [UInt8], hash: [UInt8]
    ) {
        self.position = position
        self.sceneID = sceneID
        self.version = version
        self.sessionID = sessionID
        self.actorID = actorID
        self.commandID = commandID
        self.commandSeq = commandSeq
        self.type = type
        self.schemaVersion = schemaVersion
        self.payload = payload
        self.clientTimeMillis = clientTimeMillis
        self.recordedAtMicros = recordedAtMicros
        self.prevHash = prevHash
        self.hash = hash
    }
}
