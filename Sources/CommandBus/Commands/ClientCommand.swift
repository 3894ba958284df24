package import Foundation
package import SceneLedger

/// One decoded, validated command from a client.
package struct ClientCommand: Equatable, Sendable {
    /// The client's id for the command, or one the server made up for a message without
    /// one (the plan's form); errors and acks refer to it.
    package var id: UUID
    /// The client's clock when it sent the command, milliseconds since the Unix epoch.
    package var timestampMillis: Int64
    package var body: Command

    package init(id: UUID, timestampMillis: Int64, body: Command) {
        self.id = id
        self.timestampMillis = timestampMillis
        self.body = body
    }

    package var typeName: String { body.typeName }
    package var isMotion: Bool { body.isMotion }
}

/// What a command asks for, one case per wire `type`, with typed values that passed
/// every check that needs no scene state.
package enum Command: Equatable, Sendable {
    /// `camera:orbit`: rotate around the target by these deltas, in degrees.
    case cameraOrbit(dAzimuth: Double, dElevation: Double)
    /// `camera:pan`: move the target in the view plane, in view heights.
    case cameraPan(dx: Double, dy: Double)
    /// `camera:zoom`: multiply the distance by `factor`.
    case cameraZoom(factor: Double)
    /// `camera:set`: place the camera exactly.
    case cameraSet(Camera)
    /// `pointer:move`: normalized view coordinates.
    case pointerMove(Pointer)
    /// `device:click`: select what is under the click.
    case deviceClick(ClickTarget)
    /// `device:select`: select a device, or clear the selection with `nil`.
    case deviceSelect(UUID?)
    /// `device:drag`: move a device.
    case deviceDrag(id: UUID, position: Vec3)
    /// `device:add`: place a new device.
    case deviceAdd(NewDevice)
    /// `device:remove`: remove a device and every connection touching it.
    case deviceRemove(UUID)
    /// `device:update`: change some of a device's fields.
    case deviceUpdate(DeviceUpdate)
    /// `connection:create`: join two devices.
    case connectionCreate(NewConnection)
    /// `connection:remove`: remove a connection.
    case connectionRemove(UUID)
    /// `latency:probe`: flip the scene's probe marker, tagged with the client's probe id.
    case latencyProbe(String)

    /// What a click points at.
    package enum ClickTarget: Equatable, Sendable {
        /// A device named by id.
        case device(UUID)
        /// A pixel in a view of the given size; resolved through a `DevicePicker`.
        case point(x: Double, y: Double, width: Int, height: Int)
    }

    /// A device to add; fields left `nil` take their defaults.
    /// The uploaded model this command makes a device use, if any.
    package var referencedAsset: String? {
        let model: ModelRef? =
            switch self {
            case .deviceAdd(let device): device.model
            case .deviceUpdate(let update): update.model
            default: nil
            }
        if case .asset(let sha) = model { return sha }
        return nil
    }

    package struct NewDevice: Equatable, Sendable {
        package var id: UUID?
        package var kind: DeviceKind
        package var name: String
        package var model: ModelRef?
        package var position: Vec3
        package var rotation: Vec3?
        package var scale: Vec3?
        package var metadata: [String: JSONValue]?

        package init(
            id: UUID? = nil, kind: DeviceKind, name: String, model: ModelRef? = nil, position: Vec3,
            rotation: Vec3? = nil, scale: Vec3? = nil, metadata: [String: JSONValue]? = nil
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

    /// A connection to create; without an id, the dispatcher generates one.
    package struct NewConnection: Equatable, Sendable {
        package var id: UUID?
        package var source: UUID
        package var target: UUID
        package var kind: ConnectionKind
        package var direction: ConnectionDirection

        package init(id: UUID? = nil, source: UUID, target: UUID, kind: ConnectionKind, direction: ConnectionDirection = .forward) {
            self.id = id
            self.source = source
            self.target = target
            self.kind = kind
            self.direction = direction
        }
    }

    /// The wire `type` of this command.
    package var type: CommandType {
        switch self {
        case .cameraOrbit: .cameraOrbit
        case .cameraPan: .cameraPan
        case .cameraZoom: .cameraZoom
        case .cameraSet: .cameraSet
        case .pointerMove: .pointerMove
        case .deviceClick: .deviceClick
        case .deviceSelect: .deviceSelect
        case .deviceDrag: .deviceDrag
        case .deviceAdd: .deviceAdd
        case .deviceRemove: .deviceRemove
        case .deviceUpdate: .deviceUpdate
        case .connectionCreate: .connectionCreate
        case .connectionRemove: .connectionRemove
        case .latencyProbe: .latencyProbe
        }
    }

    package var typeName: String { type.rawValue }

    /// Camera and pointer commands: high-rate, and safe to coalesce (only the latest matters).
    package var isMotion: Bool { type.isMotion }
}

/// The command types of the wire protocol; the raw values are the `type` strings.
package enum CommandType: String, CaseIterable, Sendable {
    case cameraOrbit = "camera:orbit"
    case cameraPan = "camera:pan"
    case cameraZoom = "camera:zoom"
    case cameraSet = "camera:set"
    case pointerMove = "pointer:move"
    case deviceClick = "device:click"
    case deviceSelect = "device:select"
    case deviceDrag = "device:drag"
    case deviceAdd = "device:add"
    case deviceRemove = "device:remove"
    case deviceUpdate = "device:update"
    case connectionCreate = "connection:create"
    case connectionRemove = "connection:remove"
    case latencyProbe = "latency:probe"

    /// Camera and pointer commands.
    package var isMotion: Bool {
        switch self {
        case .cameraOrbit, .cameraPan, .cameraZoom, .cameraSet, .pointerMove: true
        default: false
        }
    }

    /// Whether an observer may send it: its own camera and pointer, and latency probes.
    package var allowedForObservers: Bool {
        isMotion || self == .latencyProbe
    }
}
