package import SceneLedger

/// Everything a surface of the server may ask `Authorization` about: each scene command
/// maps to one (`init(command:)`), and routes, channels and CLI paths name theirs.
package enum Permission: String, CaseIterable, Sendable {
    case viewScene = "view_scene"
    /// Camera and pointer commands: they move only the sender's own view.
    case moveOwnCamera = "move_own_camera"
    case viewDeviceDetails = "view_device_details"
    case follow
    case requestControl = "request_control"
    /// Latency probes: they flip the probe marker only for the prober's measurement.
    case probeLatency = "probe_latency"
    case selectDevices = "select_devices"
    case moveDevices = "move_devices"
    case editConnections = "edit_connections"
    case drive
    case uploadModels = "upload_models"
    /// Adding, changing (name, model, kind, metadata) and deleting devices.
    case editDevices = "edit_devices"
    case manageUsers = "manage_users"
    case controlRecordings = "control_recordings"
    /// Audit exports, recordings and replays.
    case readHistory = "read_history"
    case erase
    case takeControl = "take_control"
    /// The server's views and their encoders (`/api/views`).
    case inspectViews = "inspect_views"
    /// Server-wide: Prometheus metrics, users of every project. Server admins only.
    case operateServer = "operate_server"

    /// What a scene command asks for.
    package init(command type: CommandType) {
        switch type {
        case .cameraOrbit, .cameraPan, .cameraZoom, .cameraSet, .pointerMove: self = .moveOwnCamera
        case .latencyProbe: self = .probeLatency
        case .deviceClick, .deviceSelect: self = .selectDevices
        case .deviceDrag: self = .moveDevices
        case .connectionCreate, .connectionRemove: self = .editConnections
        case .deviceAdd, .deviceRemove, .deviceUpdate: self = .editDevices
        }
    }

    /// The least project role that holds this permission; nil: only a server admin does.
    package var minimumRole: ProjectRole? {
        switch self {
        case .viewScene, .moveOwnCamera, .viewDeviceDetails, .follow, .requestControl, .probeLatency: .viewer
        case .selectDevices, .moveDevices, .editConnections, .drive, .uploadModels: .engineer
        case .editDevices, .manageUsers, .controlRecordings, .readHistory, .erase, .takeControl, .inspectViews: .admin
        case .operateServer: nil
        }
    }
}
