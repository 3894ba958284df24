package import Foundation
import Logging
package import SceneLedger

extension SceneHost {
    /// What a successful join returns to the transport.
    package struct Joined: Sendable {
        package var session: UUID
        package var participant: UUID
        package var actor: UUID
        package var role: Role
    }

    /// Adds a participant. A driver who joins while another drives takes over; the previous
    /// driver becomes an observer. The join itself is recorded in the ledger.
    /// `iceServers` go to the joiner in `joined` (for a video session). `email` and `ip`
    /// go with the name to the actor's identity in `actors` (personal data, erasable), never
    /// into events. `view` is the size of the joiner's view, which the plan's pixel
    /// coordinates refer to.
    package func join(
        actor: UUID, name: String, role: Role, sink: any ParticipantSink, clientTimeMillis: Int64,
        iceServers: [JSONValue] = [], email: EmailAddress? = nil, ip: String? = nil, view: ViewSize = .standard
    ) async throws(CommandError) -> Joined
    {
        guard !stopped, !rebuilding else { throw CommandError(.unavailable, "the scene is not available right now; retry") }
        let session = UUID()
        var events: [SceneEvent] = [.participantJoined(participant: session, actor: actor, role: role)]
        if role == .driver {
            for other in live.participants.values where other.role == .driver {
                events.append(.roleChanged(participant: other.id, role: .observer))
            }
        }
        // The others hear of the join as a state:update; the joiner gets joined, then
        // state:full (which already includes it), then everything that follows.
        sink.send(.joined(session: session, participant: session, role: role, scene: sceneID, iceServers: iceServers))
        namesCache = nil
        sessions[session] = Session(
            participant: Participant(id: session, actor: actor, role: role), sink: sink, name: name, view: view)
        sink.whenBehind { [weak self] in
            Task { await self?.resync(session) }
        }
        submit(
            events, commandID: UUIDv7Generator.shared.next(), sender: nil, session: session, actor: actor, clientTimeMillis: clientTimeMillis,
            notifying: { $0 != session }
        )
        sendFull(to: session, names: sessionNames)
        do {
            try await store.recordSession(
                id: session, scene: sceneID, actor: actor, name: name, role: role.rawValue, email: email?.value, ip: ip)
        } catch {
            logger.warning("could not record the session", metadata: ["error": "\(error)"])
        }
        return Joined(session: session, participant: session, actor: actor, role: role)
    }

    /// Removes a participant whose connection closed; recorded as `participant.left`.
    package func leave(session: UUID) async {
        guard let gone = sessions.removeValue(forKey: session) else { return }
        namesCache = nil
        presence.forget(session)
        if !stopped && !rebuilding && live.participants[session] != nil {
            submit(
                [.participantLeft(participant: session)], commandID: UUIDv7Generator.shared.next(), sender: nil, session: session,
                actor: gone.participant.actor, clientTimeMillis: Int64(Date().timeIntervalSince1970 * 1000)
            )
        }
        await store.endSession(id: session)
    }

    /// Handles one raw message from a participant. The transport awaits each message
    /// before the next, so one participant's commands keep their order.
    package func receive(_ bytes: [UInt8], from session: UUID) async {
        guard let sender = sessions[session] else { return }
        let command: ClientCommand
        switch CommandDecoder.decode(bytes, view: sender.view) {
        case .success(let decoded): command = decoded
        case .failure(let error):
            sender.sink.send(.error(error))
            return
        }
        if let sha = command.body.referencedAsset, !knownAssets.contains(sha) {
            // Uploaded models live in the ledger's model store; a device may only use one
            // that is there.
            let stored = (try? await store.model(sha)) ?? nil
            guard stored != nil else {
                sessions[session]?.sink.send(
                    .error(CommandError(.unknownModel, "no uploaded model has SHA-256 \(sha); upload it with POST /api/models first", ref: command.id))
                )
                return
            }
            knownAssets.insert(sha)
        }
        receive(command, from: session)
    }

    /// Handles one decoded command from a participant.
    package func receive(_ command: ClientCommand, from session: UUID) {
        guard let sender = sessions[session] else { return }
        if stopped || rebuilding {
            sender.sink.send(.error(CommandError(.unavailable, "the scene is recovering; retry", ref: command.id)))
            return
        }
        switch recentCommands[command.id] {
        case .committed(let version):
            // A retry of a command already committed: answer, never apply twice.
            sender.sink.send(.ack(ref: command.id, version: version))
            return
        case .inFlight(let waiters):
            recentCommands[command.id] = .inFlight(waiters: waiters + [session])
            return
        case nil:
            break
        }
        let participant = live.participants[session] ?? sender.participant
        switch dispatcher.decide(command, by: participant, in: live) {
        case .reject(let error):
            sender.sink.send(.error(error))
        case .accept(let events):
            remember(command.id, sender: session)
            submit(
                events, commandID: command.id, sender: session, session: session, actor: participant.actor,
                clientTimeMillis: command.timestampMillis
            )
        }
    }

    /// Folds the events into the live state, tells everyone, and queues the append.
    func submit(
        _ events: [SceneEvent], commandID: UUID, sender: UUID?, session: UUID, actor: UUID, clientTimeMillis: Int64,
        notifying recipients: (UUID) -> Bool = { _ in true }
    ) {
        guard let lease else { return }
        let expected = live.version
        if events.isEmpty {
            // Nothing to record: acknowledge at the version the ledger has confirmed.
            if let sender { sessions[sender]?.sink.send(.ack(ref: commandID, version: committed.state.version)) }
            recentCommands[commandID] = .committed(version: committed.state.version)
            return
        }
        inFlight += 1
        let recordedAt = max(WallClock.nowMicros(), live.sceneTimeMicros)
        for (i, event) in events.enumerated() {
            live.apply(event, version: expected + Int64(i) + 1, recordedAtMicros: recordedAt)
        }
        let ref = sender == nil ? nil : commandID
        let names = sessionNames
        if let sender, Self.isPresence(events, of: sender) {
            // Presence: the sender's own update at once, the others' coalesced.
            sendUpdate(ref: ref, events: events, names: names, to: sender)
            recordPresence(of: sender)
        } else {
            for id in sessions.keys where recipients(id) { sendUpdate(ref: ref, events: events, names: names, to: id) }
        }
        let request = AppendRequest(
            lease: lease, sessionID: session, actorID: actor, commandID: commandID, clientTimeMillis: clientTimeMillis,
            expectedVersion: expected, events: events.map(NewEvent.init), recordedAtMicros: recordedAt
        )
        let sink = commitSink
        writer.enqueue(request) { result in
            sink.yield(Commit(sender: sender, commandID: commandID, events: events, result: result))
        }
        // Watchers drawing ahead (the streamer's views) start on the events while the ledger
        // commits them; the ledger records them at the same time as the live state has.
        publish(.accepted(events, firstVersion: expected + 1, recordedAtMicros: recordedAt))
    }

    /// Display names of the connected participants, for messages to clients; computed
    /// once per join or leave, not per command.
    var sessionNames: [UUID: String] {
        if let namesCache { return namesCache }
        let names = sessions.compactMapValues { $0.name.isEmpty ? nil : $0.name }
        namesCache = names
        return names
    }

    private func remember(_ id: UUID, sender: UUID) {
        recentCommands[id] = .inFlight(waiters: [sender])
        recentOrder.append(id)
        if recentOrder.count > 4096 {
            for old in recentOrder.prefix(1024) { recentCommands.removeValue(forKey: old) }
            recentOrder.removeFirst(1024)
        }
    }

    /// A commit outcome from the writer, in queue order.
    func handle(_ commit: Commit) async {
        inFlight -= 1
        var waiters: [UUID] = commit.sender.map { [$0] } ?? []
        if case .inFlight(let all) = recentCommands[commit.commandID] { waiters = all }
        switch commit.result {
        case .success(let result) where !result.duplicate:
            recentCommands[commit.commandID] = .committed(version: result.lastVersion)
            // Watchers first: a view's frame drawn ahead is sent only once this commit
            // reaches it, while nothing waits on an ack; the pool mostly runs first the
            // tasks woken first.
            if result.firstVersion == committed.state.version + 1 {
                for (i, event) in commit.events.enumerated() {
                    committed.apply(event, version: result.firstVersion + Int64(i), recordedAtMicros: result.recordedAtMicros)
                }
                publish(.events(commit.events, firstVersion: result.firstVersion, recordedAtMicros: result.recordedAtMicros))
                if committed.snapshotDue { writeSnapshot() }
            } else if result.lastVersion > committed.state.version {
                // The committed projection missed versions: it cannot be patched, only reloaded.
                markForRebuild("the committed projection is at \(committed.state.version), a commit arrived at \(result.firstVersion)")
            }
            // Otherwise a reload already folded these versions in.
            for w in waiters { sessions[w]?.sink.send(.ack(ref: commit.commandID, version: result.lastVersion)) }
        case .success(let result):
            // The ledger already had this command id (written before a restart): the live
            // state applied it a second time, so rebuild from the ledger.
            recentCommands[commit.commandID] = .committed(version: result.lastVersion)
            for w in waiters { sessions[w]?.sink.send(.ack(ref: commit.commandID, version: result.lastVersion)) }
            markForRebuild("a retried command was applied twice")
        case .failure(let error):
            let code: CommandError.Code =
                switch error.code {
                case .fenced: .fenced
                case .conflict: .conflict
                default: .commitFailed
                }
            for w in waiters {
                sessions[w]?.sink.send(
                    .error(CommandError(code, "the command was not recorded: \(error.message)", ref: commit.commandID, underlying: error))
                )
            }
            recentCommands.removeValue(forKey: commit.commandID)
            if error.code == .fenced {
                await stop(reason: CommandError(.fenced, "this scene is now hosted elsewhere; reconnect"))
                return
            }
            markForRebuild("a commit failed: \(error)")
        }
        if rebuilding && inFlight == 0 { await rebuild() }
    }

    private func writeSnapshot() {
        let snapshot = committed.state
        committed.snapshotWritten()
        let store = self.store
        let logger = self.logger
        Task {
            do { try await store.writeSnapshot(snapshot) } catch {
                logger.warning("snapshot failed", metadata: ["version": "\(snapshot.version)", "error": "\(error)"])
            }
        }
    }

    /// Stops taking commands; the rebuild runs once every queued append has come back
    /// (those queued behind a failure fail too, and must not each trigger a rebuild).
    func markForRebuild(_ reason: String) {
        if !rebuilding { rebuildReason = reason }
        rebuilding = true
    }

    /// Reloads the live state from the ledger and sends everyone `state:full`.
    func rebuild() async {
        guard rebuilding, !stopped else { return }
        logger.warning("rebuilding the live projection from the ledger", metadata: ["reason": "\(rebuildReason)"])
        var attempt = 0
        while !stopped {
            do {
                try await reload()
                break
            } catch {
                attempt += 1
                logger.error("reload failed; retrying", metadata: ["attempt": "\(attempt)", "error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(100 * attempt, 2_000)))
            }
        }
        rebuilding = false
        // Participants whose join did not survive are joined again from what we know.
        for (id, session) in sessions where live.participants[id] == nil {
            submit(
                [.participantJoined(participant: id, actor: session.participant.actor, role: session.participant.role)],
                commandID: UUIDv7Generator.shared.next(), sender: nil, session: id, actor: session.participant.actor,
                clientTimeMillis: Int64(Date().timeIntervalSince1970 * 1000)
            )
        }
        publish(.state(committed.state))
        let names = sessionNames
        for id in sessions.keys { sendFull(to: id, names: names) }
    }
}
