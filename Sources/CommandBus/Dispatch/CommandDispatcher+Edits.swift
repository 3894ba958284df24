import Foundation
import SceneLedger

/// Clicks, device and connection edits.
extension CommandDispatcher {
    /// The device a click selects, or `nil` to clear the selection.
    func clicked(_ target: Command.ClickTarget, by participant: Participant, in state: SceneState) throws(CommandError) -> UUID? {
        switch target {
        case .device(let id):
            try requireDevice(id, in: state, field: "data.deviceId")
            return id
        case .point(let x, let y, let width, let height):
            guard let picker else {
                throw CommandError(
                    .unavailable, "clicking by coordinates needs a renderer to pick with, and none is running; click by \"deviceId\" instead")
            }
            let picked = picker.pick(state: state, camera: participant.camera, x: x, y: y, width: width, height: height)
            // A picker answering with a device the state lacks counts as a click on empty space.
            guard let picked, state.devices[picked] != nil else { return nil }
            return picked
        }
    }

    func added(_ new: Command.NewDevice, in state: SceneState) throws(CommandError) -> SceneEvent {
        let id = new.id ?? ids.makeID()
        guard state.devices[id] == nil else {
            throw CommandError(.duplicateDevice, "a device with id \(WireUUID.format(id)) already exists in this scene")
        }
        let device = Device(
            id: id,
            kind: new.kind,
            name: new.name,
            model: new.model ?? ModelRef.defaultModel(for: new.kind),
            position: new.position,
            rotation: new.rotation ?? .zero,
            scale: new.scale ?? .one,
            metadata: new.metadata ?? [:]
        )
        return .deviceAdded(device)
    }

    /// One `connectionRemoved` per connection touching the device, sorted by connection
    /// id, then `deviceRemoved`.
    func removed(_ id: UUID, in state: SceneState) throws(CommandError) -> [SceneEvent] {
        try requireDevice(id, in: state, field: "data.deviceId")
        let touching = state.connections.values
            .filter { $0.source == id || $0.target == id }
            .map(\.id)
            .sorted { $0.precedes($1) }
        return touching.map { SceneEvent.connectionRemoved(id: $0) } + [.deviceRemoved(id: id)]
    }

    func created(_ new: Command.NewConnection, in state: SceneState) throws(CommandError) -> SceneEvent {
        guard new.source != new.target else {
            throw CommandError(.selfConnection, "a connection must join two different devices, not a device to itself")
        }
        try requireDevice(new.source, in: state, field: "data.sourceDeviceId")
        try requireDevice(new.target, in: state, field: "data.targetDeviceId")
        if let existing = state.connections.values.first(where: {
            $0.duplicates(source: new.source, target: new.target, kind: new.kind)
        }) {
            throw CommandError(
                .duplicateConnection,
                "a \(new.kind.rawValue) connection between these devices already exists: \(WireUUID.format(existing.id))")
        }
        let id = new.id ?? ids.makeID()
        guard state.connections[id] == nil else {
            throw CommandError(.duplicateConnection, "a connection with id \(WireUUID.format(id)) already exists in this scene")
        }
        return .connectionCreated(
            Connection(id: id, source: new.source, target: new.target, kind: new.kind, direction: new.direction))
    }
}
