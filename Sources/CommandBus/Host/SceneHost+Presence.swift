package import Foundation
import Logging
import SceneLedger

/// Presence: each participant's camera and pointer, which are recorded in the ledger like
/// every event but are not scene state for the others. The sender gets its own
/// `state:update` and `ack` at once; the others get `presence` messages, coalesced by the
/// host's `PresenceCoalescer` (at most ten a second, the latest value of each participant)
/// and queued behind acks and edits by each connection's `OutboundQueue`.
extension SceneHost {
    /// Whether every event is the sender's own camera or pointer.
    static func isPresence(_ events: [SceneEvent], of sender: UUID) -> Bool {
        !events.isEmpty
            && events.allSatisfy { event in
                switch event {
                case .cameraChanged(let participant, _), .pointerMoved(let participant, _): participant == sender
                default: false
                }
            }
    }

    /// `{"camera","id","pointer"}` of a participant as it is in the live state.
    static func presenceEntry(_ participant: Participant) -> PresenceCoalescer.Entry {
        let value: JSONValue = [
            "id": participant.id.json, "camera": participant.camera.json,
            "pointer": participant.pointer.map { ["x": .number($0.x), "y": .number($0.y)] } ?? .null,
        ]
        return PresenceCoalescer.Entry(participant: participant.id, bytes: value.canonicalBytes)
    }

    /// Notes a participant's new presence for the others.
    func recordPresence(of id: UUID) {
        guard let participant = live.participants[id] else { return }
        if let due = presence.record(Self.presenceEntry(participant), nowNanos: WallClock.monotonicNanos()) {
            schedulePresenceFlush(at: due)
        }
    }

    func schedulePresenceFlush(at dueNanos: UInt64) {
        let now = WallClock.monotonicNanos()
        let delay = dueNanos > now ? dueNanos - now : 0
        Task {
            if delay > 0 { try? await Task.sleep(for: .nanoseconds(Int(delay))) }
            await self.flushPresence()
        }
    }

    /// Sends what changed to every participant but its owner.
    func flushPresence() {
        guard !stopped else { return }
        switch presence.flush(nowNanos: WallClock.monotonicNanos()) {
        case .send(let batch):
            for (id, session) in sessions { session.sink.sendPresence(batch, excluding: id) }
        case .wait(let due):
            schedulePresenceFlush(at: due)
        case .nothing:
            break
        }
    }

    /// Sends a versioned message to one session: a `state:update` says where it starts
    /// (`from`) when the versions before it were others' presence, which this session
    /// gets coalesced.
    func sendUpdate(ref: UUID?, events: [SceneEvent], names: [UUID: String], to id: UUID) {
        guard let session = sessions[id] else { return }
        let natural = live.version - Int64(events.count) + 1
        let from = session.sentVersion + 1
        session.sink.send(
            .stateUpdate(
                ref: ref, version: live.version, events: events, state: live, names: names,
                from: from < natural && session.sentVersion > 0 ? from : nil))
        sessions[id]?.sentVersion = live.version
    }

    /// Sends one session the whole live state.
    func sendFull(to id: UUID, names: [UUID: String]) {
        guard let session = sessions[id] else { return }
        session.sink.send(.stateFull(live, names: names))
        sessions[id]?.sentVersion = live.version
    }

    /// A session's consumer fell behind and its queued updates were dropped.
    package func resync(_ id: UUID) {
        guard !stopped, !rebuilding, sessions[id] != nil else { return }
        logger.notice("a participant fell behind; sending it the whole state", metadata: ["session": "\(id)"])
        sendFull(to: id, names: sessionNames)
    }
}
