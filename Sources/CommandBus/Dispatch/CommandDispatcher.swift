import Foundation
package import SceneLedger

/// Decides what a command means for a scene: the events to record, or why it is refused.
///
/// Pure: it reads the state and never changes it; the caller appends the accepted events
/// to the ledger and folds them into its state. Checks run in a fixed order:
/// 1. the sender must be a participant of the scene (`not_joined`);
/// 2. its role must allow the command (`forbidden`): observers may only move their own
///    camera and pointer and send latency probes;
/// 3. the command must make sense in the state (`unknown_device`, `duplicate_device`, ...).
package struct CommandDispatcher: Sendable {
    /// The verdict on one command.
    package enum Decision: Sendable {
        /// Record these events, in order (possibly none).
        case accept([SceneEvent])
        /// Refuse the command; the error's `ref` is the command id.
        case reject(CommandError)

        package var events: [SceneEvent]? {
            if case .accept(let events) = self { return events }
            return nil
        }

        package var error: CommandError? {
            if case .reject(let error) = self { return error }
            return nil
        }
    }

    /// Resolves clicks by coordinates; without one they are refused as `unavailable`.
    package var picker: (any DevicePicker)?
    /// Ids for devices and connections added without one.
    package var ids: any IDGenerator

    package init(picker: (any DevicePicker)? = nil, ids: any IDGenerator = RandomIDGenerator()) {
        self.picker = picker
        self.ids = ids
    }

    package func decide(_ command: ClientCommand, by participant: Participant, in state: SceneState) -> Decision {
        do {
            return .accept(try events(for: command, by: participant, in: state))
        } catch {
            return .reject(error.referring(to: command.id))
        }
    }

    private func events(
        for command: ClientCommand, by sender: Participant, in state: SceneState
    ) throws(CommandError) -> [SceneEvent] {
        // The scene's record is authoritative: its role and camera are the current ones.
        guard let participant = state.participants[sender.id] else {
            throw CommandError(.notJoined, "participant \(WireUUID.format(sender.id)) has not joined this scene")
        }
        let type = command.body.type
        guard participant.role == .driver || type.allowedForObservers else {
            throw CommandError(
                .forbidden, "an \(participant.role.rawValue) may not send \"\(type.rawValue)\"; only the driver may edit the scene")
        }
        let me = participant.id
        switch command.body {
        case .cameraOrbit(let dAzimuth, let dElevation):
            return [.cameraChanged(participant: me, camera: participant.camera.orbited(dAzimuth: dAzimuth, dElevation: dElevation))]
        case .cameraPan(let dx, let dy):
            return [.cameraChanged(participant: me, camera: participant.camera.panned(dx: dx, dy: dy))]
        case .cameraZoom(let factor):
            return [.cameraChanged(participant: me, camera: participant.camera.zoomed(factor: factor))]
        case .cameraSet(let camera):
            return [.cameraChanged(participant: me, camera: camera)]
        case .pointerMove(let pointer):
            return [.pointerMoved(participant: me, pointer: pointer)]
        case .latencyProbe(let probe):
            return [.latencyProbed(participant: me, probe: probe)]
        case .deviceClick(let target):
            return [.selectionChanged(participant: me, device: try clicked(target, by: participant, in: state))]
        case .deviceSelect(let id):
            if let id { try requireDevice(id, in: state, field: "data.deviceId") }
            return [.selectionChanged(participant: me, device: id)]
        case .deviceDrag(let id, let position):
            try requireDevice(id, in: state, field: "data.deviceId")
            return [.deviceMoved(id: id, position: position)]
        case .deviceAdd(let new):
            return [try added(new, in: state)]
        case .deviceRemove(let id):
            return try removed(id, in: state)
        case .deviceUpdate(let update):
            try requireDevice(update.id, in: state, field: "data.deviceId")
            return [.deviceUpdated(update)]
        case .connectionCreate(let new):
            return [try created(new, in: state)]
        case .connectionRemove(let id):
            guard state.connections[id] != nil else {
                throw CommandError(
                    .unknownConnection, "field \"data.connectionId\" names no connection in this scene: \(WireUUID.format(id))")
            }
            return [.connectionRemoved(id: id)]
        }
    }

    func requireDevice(_ id: UUID, in state: SceneState, field: String) throws(CommandError) {
        guard state.devices[id] != nil else {
            throw CommandError(.unknownDevice, "field \"\(field)\" names no device in this scene: \(WireUUID.format(id))")
        }
    }
}
