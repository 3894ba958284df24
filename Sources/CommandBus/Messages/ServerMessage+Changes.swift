import Foundation
import SceneLedger

/// The entries of `state:update`'s `changes`: `{"op": <event type>, "data": {...}}`.
///
/// Device and participant changes carry the whole entity as it is in the state after the
/// events were applied, so clients replace rather than patch; removals carry `{"id"}`.
/// When an entity is gone from that state (removed later in the same batch), the event's
/// own fields are sent instead.
extension ServerMessage {
    static func change(_ event: SceneEvent, in state: SceneState) -> JSONValue {
        ["op": .string(event.type), "data": changeData(event, in: state)]
    }

    private static func changeData(_ event: SceneEvent, in state: SceneState) -> JSONValue {
        switch event {
        case .sceneCreated(let name):
            return ["name": .string(name)]
        case .deviceAdded(let device):
            return (state.devices[device.id] ?? device).json
        case .deviceMoved(let id, let position):
            return state.devices[id]?.json ?? ["id": id.json, "position": position.json]
        case .deviceUpdated(let update):
            return state.devices[update.id]?.json ?? update.json
        case .deviceRemoved(let id), .connectionRemoved(let id):
            return ["id": id.json]
        case .connectionCreated(let connection):
            return (state.connections[connection.id] ?? connection).json
        case .participantJoined(let participant, let actor, let role):
            return state.participants[participant]?.json
                ?? ["id": participant.json, "actor": actor.json, "role": .string(role.rawValue)]
        case .participantLeft(let participant):
            return ["id": participant.json]
        case .roleChanged(let participant, let role):
            return state.participants[participant]?.json
                ?? ["id": participant.json, "role": .string(role.rawValue)]
        case .cameraChanged(let participant, let camera):
            return state.participants[participant]?.json
                ?? ["id": participant.json, "camera": camera.json]
        case .selectionChanged(let participant, let device):
            return state.participants[participant]?.json
                ?? ["id": participant.json, "selection": device.json]
        case .pointerMoved(let participant, let pointer):
            return state.participants[participant]?.json
                ?? ["id": participant.json, "pointer": pointer.json]
        case .latencyProbed(let participant, let probe):
            return [
                "participant": participant.json, "probe": .string(probe),
                "probeMarker": .number(Double(state.probeMarker)),
            ]
        case .actorErased(let actor):
            return ["actor": actor.json]
        }
    }
}
