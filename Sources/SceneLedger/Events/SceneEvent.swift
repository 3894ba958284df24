public import Foundation

/// Every fact the ledger can record. A closed set: adding a case is a schema change,
/// documented in `docs/ledger.md#event-types`, and old payload versions keep decoding forever
/// (see `SceneEvent+Payload.swift`).
public enum SceneEvent: Equatable, Sendable {
    case sceneCreated(name: String)
    case deviceAdded(Device)
    case deviceMoved(id: UUID, position: Vec3)
    case deviceUpdated(DeviceUpdate)
    /// Connections that touched the device are removed by their own
    /// `connectionRemoved` events, recorded before this one.
    case deviceRemoved(id: UUID)
    case connectionCreated(Connection)
    case connectionRemoved(id: UUID)
    case participantJoined(participant: UUID, actor: UUID, role: Role)
    case participantLeft(participant: UUID)
    case roleChanged(participant: UUID, role: Role)
    case cameraChanged(participant: UUID, camera: Camera)
    case selectionChanged(participant: UUID, device: UUID?)
    case pointerMoved(participant: UUID, pointer: Pointer)
    case latencyProbed(participant: UUID, probe: String)
    case actorErased(actor: UUID)

    /// The ledger's `type` column.
    public var type: String {
        switch self {
        case .sceneCreated: "scene.created"
        case .deviceAdded: "device.added"
        case .deviceMoved: "device.moved"
        case .deviceUpdated: "device.updated"
        case .deviceRemoved: "device.removed"
        case .connectionCreated: "connection.created"
        case .connectionRemoved: "connection.removed"
        case .participantJoined: "participant.joined"
        case .participantLeft: "participant.left"
        case .roleChanged: "participant.role_changed"
        case .cameraChanged: "camera.changed"
        case .selectionChanged: "selection.changed"
        case .pointerMoved: "pointer.moved"
        case .latencyProbed: "latency.probed"
        case .actorErased: "actor.erased"
        }
    }
}

/// A partial edit of a device: fields left `nil` keep their value.
public struct DeviceUpdate: Equatable, Sendable {
    public var id: UUID
    public var kind: DeviceKind?
    public var name: String?
    public var model: ModelRef?
    public var position: Vec3?
    public var rotation: Vec3?
    public var scale: Vec3?
    package var metadata: [String: JSONValue]?

    package init(
        id: UUID,
        kind: DeviceKind? = nil,
        name: String? = nil,
        model: ModelRef? = nil,
        position: Vec3? = nil,
        rotation: Vec3? = nil,
        scale: Vec3? = nil,
        metadata: [String: JSONValue]? = nil
    ) {
        self.id = id
        self.kind = kind
        self.name = name
        self.model = model
        self.position = position
        self.rotation = rotation
        self.scale = scale
        self.metadata = metadata
    }
}
