package import Foundation
package import SceneLedger

/// What a folded event changed, in terms the GPU scene understands. Each event yields
/// only the changes it causes: a moved device is one instance transform plus the
/// connections attached to it, never a rebuild of the scene.
package enum RenderChange: Hashable, Sendable {
    case deviceAdded(UUID)
    /// Transform, model, kind or name changed.
    case deviceChanged(UUID)
    case deviceRemoved(UUID)
    case connectionAdded(UUID)
    /// An endpoint moved, or the connection's kind or direction changed.
    case connectionChanged(UUID)
    case connectionRemoved(UUID)
    /// Selections or participants changed: highlight tints must be recomputed.
    case highlights
    case camera(participant: UUID)
    case probe
}

/// The renderer's projection of one scene: the same fold as everywhere else (so its state
/// hash equals the command bus's at the same version), plus the list of changes each
/// event caused since the GPU scene last synchronized.
package struct RenderProjection: Sendable {
    package private(set) var state: SceneState
    private var pending: [RenderChange] = []
    private var pendingSet: Set<RenderChange> = []

    package init(state: SceneState) {
        self.state = state
        // A fresh projection draws everything once.
        for id in state.devices.keys.sorted(by: { $0.precedes($1) }) { record(.deviceAdded(id)) }
        for id in state.connections.keys.sorted(by: { $0.precedes($1) }) { record(.connectionAdded(id)) }
        record(.highlights)
    }

    package var version: Int64 { state.version }
    package var stateHash: [UInt8] { state.stateHash }

    /// Folds a committed event in (from the ledger, in version order).
    package mutating func apply(_ event: RecordedEvent) throws(LedgerError) {
        let decoded = try event.decodedEvent()
        let before = state
        try state.apply(event)
        recordChanges(decoded, before: before)
    }

    /// Folds an event whose version and time the caller knows (the live path).
    package mutating func apply(_ event: SceneEvent, version: Int64, recordedAtMicros: Int64) {
        let before = state
        state.apply(event, version: version, recordedAtMicros: recordedAtMicros)
        recordChanges(event, before: before)
    }

    /// The changes since the last call, in the order they happened, each once.
    package mutating func takeChanges() -> [RenderChange] {
        defer {
            pending.removeAll(keepingCapacity: true)
            pendingSet.removeAll(keepingCapacity: true)
        }
        return pending
    }

    package var hasPendingChanges: Bool { !pending.isEmpty }

    private mutating func record(_ change: RenderChange) {
        if pendingSet.insert(change).inserted { pending.append(change) }
    }

    private mutating func recordChanges(_ event: SceneEvent, before: SceneState) {
        switch event {
        case .sceneCreated, .actorErased, .pointerMoved:
            break
        case .deviceAdded(let device):
            guard state.devices[device.id] != nil else { return }
            record(before.devices[device.id] == nil ? .deviceAdded(device.id) : .deviceChanged(device.id))
            attachedConnectionsChanged(device.id)
        case .deviceMoved(let id, _):
            guard state.devices[id] != nil else { return }
            record(.deviceChanged(id))
            attachedConnectionsChanged(id)
        case .deviceUpdated(let update):
            guard state.devices[update.id] != nil else { return }
            record(.deviceChanged(update.id))
            if update.position != nil || update.rotation != nil || update.scale != nil || update.kind != nil {
                attachedConnectionsChanged(update.id)
            }
        case .deviceRemoved(let id):
            guard before.devices[id] != nil else { return }
            record(.deviceRemoved(id))
            for connection in before.connections.values where state.connections[connection.id] == nil {
                record(.connectionRemoved(connection.id))
            }
            record(.highlights)
        case .connectionCreated(let connection):
            guard state.connections[connection.id] != nil else { return }
            record(before.connections[connection.id] == nil ? .connectionAdded(connection.id) : .connectionChanged(connection.id))
        case .connectionRemoved(let id):
            if before.connections[id] != nil { record(.connectionRemoved(id)) }
        case .participantJoined, .participantLeft, .roleChanged, .selectionChanged:
            record(.highlights)
        case .cameraChanged(let participant, _):
            record(.camera(participant: participant))
        case .latencyProbed:
            record(.probe)
        }
    }

    private mutating func attachedConnectionsChanged(_ device: UUID) {
        for connection in state.connections.values where connection.source == device || connection.target == device {
            record(.connectionChanged(connection.id))
        }
    }
}
