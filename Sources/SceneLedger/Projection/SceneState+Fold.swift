package import Foundation

/// The projection: `state = fold(events)`.
///
/// Events are facts the ledger has already accepted, so applying one never fails: an
/// event that refers to something absent (moving a device that was removed, changing the
/// camera of a participant who left) changes nothing. Validation belongs to the command
/// layer, before events are written; the fold only has to be total and deterministic, so
/// that every replica, snapshot and replay computes the same state and state hash.
///
/// The rules, case by case:
/// - `scene.created` sets the name.
/// - `device.added` inserts the device, replacing one with the same id.
/// - `device.moved` and `device.updated` change an existing device; for an absent id they
///   are ignored. An update sets only the fields it carries; `metadata` replaces the whole
///   object.
/// - `device.removed` removes the device. Defensively it also removes every connection
///   touching it (the command layer records their `connection.removed` events first, so
///   normally there are none left) and clears every participant selection pointing at it.
/// - `connection.created` inserts the connection (replacing one with the same id) only if
///   both endpoints exist; otherwise it is ignored, so no connection ever dangles.
/// - `connection.removed` removes the connection, if present.
/// - `participant.joined` inserts a participant with the default camera, no selection and
///   no pointer, replacing one with the same id.
/// - `participant.left` removes the participant, if present.
/// - `participant.role_changed`, `camera.changed` and `pointer.moved` update the
///   participant if present and are otherwise ignored.
/// - `selection.changed` updates the participant if present; a selection naming a device
///   that does not exist is recorded as no selection, so selections never dangle.
/// - `latency.probed` increments `probeMarker` (wrapping), whoever sent it.
/// - `actor.erased` changes nothing: the scene state holds only pseudonymous actor ids,
///   and the identity that erasure removes lives outside the events.
///
/// Every event also sets `version` and `sceneTimeMicros` to its own.
extension SceneState {
    package mutating func apply(_ event: SceneEvent, version: Int64, recordedAtMicros: Int64) {
        switch event {
        case .sceneCreated(let name):
            self.name = name

        case .deviceAdded(let device):
            devices[device.id] = device

        case .deviceMoved(let id, let position):
            devices[id]?.position = position

        case .deviceUpdated(let update):
            if var device = devices[update.id] {
                if let kind = update.kind { device.kind = kind }
                if let name = update.name { device.name = name }
                if let model = update.model { device.model = model }
                if let position = update.position { device.position = position }
                if let rotation = update.rotation { device.rotation = rotation }
                if let scale = update.scale { device.scale = scale }
                if let metadata = update.metadata { device.metadata = metadata }
                devices[update.id] = device
            }

        case .deviceRemoved(let id):
            devices[id] = nil
            connections = connections.filter { $0.value.source != id && $0.value.target != id }
            for (pid, participant) in participants where participant.selection == id {
                participants[pid]?.selection = nil
            }

        case .connectionCreated(let connection):
            if devices[connection.source] != nil, devices[connection.target] != nil {
                connections[connection.id] = connection
            }

        case .connectionRemoved(let id):
            connections[id] = nil

        case .participantJoined(let participant, let actor, let role):
            participants[participant] = Participant(id: participant, actor: actor, role: role, camera: .default)

        case .participantLeft(let participant):
            participants[participant] = nil

        case .roleChanged(let participant, let role):
            participants[participant]?.role = role

        case .cameraChanged(let participant, let camera):
            participants[participant]?.camera = camera

        case .selectionChanged(let participant, let device):
            let existing = device.flatMap { devices[$0] == nil ? nil : $0 }
            participants[participant]?.selection = existing

        case .pointerMoved(let participant, let pointer):
            participants[participant]?.pointer = pointer

        case .latencyProbed:
            probeMarker &+= 1

        case .actorErased:
            // Identity (names, emails) lives outside the ledger, keyed by the actor id; the
            // projection keeps only the pseudonymous id, so there is nothing to change here.
            break
        }
        self.version = version
        self.sceneTimeMicros = recordedAtMicros
    }

    /// Decodes a recorded event and applies it.
    ///
    /// Throws `.invalidArgument` if the event belongs to another scene or is not the next
    /// version (`self.version + 1`): folding out of order or with a gap is a caller bug that
    /// would silently produce a wrong state. Throws `.decoding` if the payload does not decode.
    package mutating func apply(_ recorded: RecordedEvent) throws(LedgerError) {
        guard recorded.sceneID == sceneID else {
            throw LedgerError(
                .invalidArgument,
                "event \(recorded.version) belongs to scene \(recorded.sceneID.lowercasedString), not \(sceneID.lowercasedString)"
            )
        }
        guard recorded.version == version + 1 else {
            throw LedgerError(
                .invalidArgument,
                "scene \(sceneID.lowercasedString) is at version \(version); cannot apply event version \(recorded.version)"
            )
        }
        let event = try recorded.decodedEvent()
        apply(event, version: recorded.version, recordedAtMicros: recorded.recordedAtMicros)
    }

    /// Folds events, in order and starting at version 1, into a fresh state.
    package static func fold(sceneID: UUID, _ events: some Sequence<RecordedEvent>) throws(LedgerError) -> SceneState {
        var state = SceneState(sceneID: sceneID)
        try state.apply(contentsOf: events)
        return state
    }

    /// Applies events in order on top of this state (a snapshot, say).
    package mutating func apply(contentsOf events: some Sequence<RecordedEvent>) throws(LedgerError) {
        for event in events {
            try apply(event)
        }
    }
}
