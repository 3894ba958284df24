public import Foundation

/// The projected state of one scene at one version: `state = fold(events)`.
///
/// Dictionaries keep lookups cheap; every encoding of the state (snapshots, the state hash,
/// `state:full`) sorts by id, so their iteration order never leaks into bytes.
public struct SceneState: Equatable, Sendable {
    public var sceneID: UUID
    public var name: String
    /// The version of the last event folded in; 0 before any.
    public var version: Int64
    /// `recorded_at` of the last event folded in, microseconds since the Unix epoch.
    /// This is the scene time that animation and replay use.
    public var sceneTimeMicros: Int64
    public var devices: [UUID: Device]
    public var connections: [UUID: Connection]
    public var participants: [UUID: Participant]
    /// The latency-probe counter: every `latency.probed` event adds one, so its parity
    /// flips the marker the renderer draws.
    public var probeMarker: Int64

    public init(sceneID: UUID, name: String = "") {
        self.sceneID = sceneID
        self.name = name
        self.version = 0
        self.sceneTimeMicros = 0
        self.devices = [:]
        self.connections = [:]
        self.participants = [:]
        self.probeMarker = 0
    }

    /// The participant currently driving, if any.
    public var driver: Participant? {
        participants.values.filter { $0.role == .driver }.min { $0.id.precedes($1.id) }
    }
}
