package import Foundation

/// Who drives a scene, as a pure state machine (issue #18, shared control): exactly one
/// driver at a time, decided by the scene's host and never by what a client claims.
///
/// Control passes by request and grant. The driver (or an admin) grants or denies a
/// request; an unanswered request times out after `requestTimeoutNanos`. The driver may
/// release control, and an admin may take it. When the driver disconnects, control stays
/// reserved for them for `reservationNanos`, so a reload does not lose it. After that it
/// passes to the oldest pending request, or to nobody.
///
/// No clock and no I/O: the host passes the time in, carries out the returned actions
/// (records `controlChanged` in the ledger, sends the messages) and calls `tick` at
/// `nextDeadline`. Whether a participant may drive (an engineer or admin) or is an admin is
/// the caller's answer from `Authorization`.
package struct ControlStateMachine: Sendable {
    /// Why control changed hands.
    package enum Reason: String, Sendable, Equatable {
        /// Nobody drove, and the participant asked (at join or later).
        case claimed
        case granted
        case released
        /// An admin took it.
        case taken
        /// The driver did not come back within the reservation; control went on.
        case reservationExpired = "reservation_expired"
        /// The driver left for good (`left`), not only disconnected.
        case left
    }

    package enum Action: Sendable, Equatable {
        /// Record and announce: control passed from `from` to `to` (nil: nobody).
        case controlChanged(from: UUID?, to: UUID?, reason: Reason)
        /// Tell the driver (or, with none, the admins) that `requester` asks for control.
        case requestPending(requester: UUID, driver: UUID?)
        /// Tell `requester` its request was denied by `by`.
        case requestDenied(requester: UUID, by: UUID)
        /// Tell `requester` nobody answered in time.
        case requestTimedOut(requester: UUID)
        /// Refuse what `participant` asked for: the error to send it.
        case refuse(participant: UUID, code: CommandError.Code, message: String)
    }

    private enum Holder: Sendable, Equatable {
        case nobody
        case driving(UUID)
        /// The driver disconnected; control is theirs again if they return before `until`.
        case reserved(UUID, untilNanos: UInt64)

        var participant: UUID? {
            switch self {
            case .nobody: nil
            case .driving(let id), .reserved(let id, _): id
            }
        }
    }

    private struct Request: Sendable, Equatable {
        var participant: UUID
        var atNanos: UInt64
    }

    package let requestTimeoutNanos: UInt64
    package let reservationNanos: UInt64
    private var holder = Holder.nobody
    /// Oldest first.
    private var requests: [Request] = []

    package init(requestTimeoutNanos: UInt64 = 30_000_000_000, reservationNanos: UInt64 = 10_000_000_000) {
        self.requestTimeoutNanos = requestTimeoutNanos
        self.reservationNanos = reservationNanos
    }

    /// The driver, also while their control is reserved.
    package var driver: UUID? { holder.participant }
    /// Participants asking for control, oldest first.
    package var pendingRequests: [UUID] { requests.map(\.participant) }

    /// When `tick` must next run, if anything is waiting on the clock.
    package var nextDeadline: UInt64? {
        var deadlines = requests.map { $0.atNanos &+ requestTimeoutNanos }
        if case .reserved(_, let until) = holder { deadlines.append(until) }
        return deadlines.min()
    }

    /// A participant joins (or comes back). Asking to drive claims control when nobody has
    /// it, takes back a reservation that is theirs, and otherwise files a request.
    package mutating func join(_ participant: UUID, wantsToDrive: Bool, mayDrive: Bool, nowNanos: UInt64) -> [Action] {
        if case .reserved(let id, _) = holder, id == participant {
            // Back within the reservation: still the driver, and nothing changed hands.
            holder = .driving(participant)
            return []
        }
        guard wantsToDrive else { return [] }
        return request(participant, mayDrive: mayDrive, nowNanos: nowNanos)
    }

    /// `control:request`.
    package mutating func request(_ participant: UUID, mayDrive: Bool, nowNanos: UInt64) -> [Action] {
        guard mayDrive else {
            return [.refuse(participant: participant, code: .forbidden, message: "only engineers and admins may drive; ask an admin for the engineer role")]
        }
        switch holder {
        case .nobody:
            holder = .driving(participant)
            return [.controlChanged(from: nil, to: participant, reason: .claimed)]
        case .driving(let id) where id == participant, .reserved(let id, _) where id == participant:
            return [.refuse(participant: participant, code: .conflict, message: "you already drive this scene")]
        case .driving, .reserved:
            if requests.contains(where: { $0.participant == participant }) { return [] }
            requests.append(Request(participant: participant, atNanos: nowNanos))
            return [.requestPending(requester: participant, driver: holder.participant)]
        }
    }

    /// `control:grant`: the driver, or an admin, hands control to a participant who asked.
    package mutating func grant(by granter: UUID, to requester: UUID, granterIsAdmin: Bool) -> [Action] {
        if let refusal = mayAnswer(granter, isAdmin: granterIsAdmin, requester: requester) { return [refusal] }
        requests.removeAll { $0.participant == requester }
        let from = holder.participant
        holder = .driving(requester)
        return [.controlChanged(from: from, to: requester, reason: .granted)]
    }

    /// `control:deny`.
    package mutating func deny(by denier: UUID, to requester: UUID, denierIsAdmin: Bool) -> [Action] {
        if let refusal = mayAnswer(denier, isAdmin: denierIsAdmin, requester: requester) { return [refusal] }
        requests.removeAll { $0.participant == requester }
        return [.requestDenied(requester: requester, by: denier)]
    }

    /// `control:release`: the driver gives control to the oldest request, or to nobody.
    package mutating func release(by participant: UUID) -> [Action] {
        guard case .driving(let id) = holder, id == participant else {
            return [.refuse(participant: participant, code: .conflict, message: "you do not drive this scene, so there is nothing to release")]
        }
        return [passOn(from: participant, reason: .released)]
    }

    /// `control:take`: an admin takes control at once.
    package mutating func take(by admin: UUID, isAdmin: Bool) -> [Action] {
        guard isAdmin else {
            return [.refuse(participant: admin, code: .forbidden, message: "only an admin may take control; send control:request instead")]
        }
        let from = holder.participant
        guard from != admin else { return [] }
        requests.removeAll { $0.participant == admin }
        holder = .driving(admin)
        return [.controlChanged(from: from, to: admin, reason: .taken)]
    }

    /// The participant's connection dropped: a driver's control is reserved for them; a
    /// pending request is kept until it times out, so a reload does not lose its place.
    package mutating func disconnected(_ participant: UUID, nowNanos: UInt64) -> [Action] {
        if case .driving(let id) = holder, id == participant {
            holder = .reserved(participant, untilNanos: nowNanos &+ reservationNanos)
        }
        return []
    }

    /// The participant left the scene for good (or was removed).
    package mutating func left(_ participant: UUID) -> [Action] {
        requests.removeAll { $0.participant == participant }
        guard holder.participant == participant else { return [] }
        return [passOn(from: participant, reason: .left)]
    }

    /// Expires requests and a reservation whose time has come.
    package mutating func tick(nowNanos: UInt64) -> [Action] {
        var actions: [Action] = []
        let expired = requests.filter { nowNanos >= $0.atNanos &+ requestTimeoutNanos }
        requests.removeAll { nowNanos >= $0.atNanos &+ requestTimeoutNanos }
        actions += expired.map { .requestTimedOut(requester: $0.participant) }
        if case .reserved(let id, let until) = holder, nowNanos >= until {
            actions.append(passOn(from: id, reason: .reservationExpired))
        }
        return actions
    }

    // MARK: -

    private func mayAnswer(_ answerer: UUID, isAdmin: Bool, requester: UUID) -> Action? {
        guard isAdmin || holder == .driving(answerer) else {
            return .refuse(participant: answerer, code: .forbidden, message: "only the driver or an admin may answer a request for control")
        }
        guard requests.contains(where: { $0.participant == requester }) else {
            return .refuse(
                participant: answerer, code: .conflict,
                message: "participant \(WireUUID.format(requester)) has no pending request for control (it was answered, timed out or withdrawn)")
        }
        return nil
    }

    /// Control goes to the oldest pending request, or to nobody.
    private mutating func passOn(from participant: UUID, reason: Reason) -> Action {
        if !requests.isEmpty {
            let next = requests.removeFirst().participant
            holder = .driving(next)
            return .controlChanged(from: participant, to: next, reason: reason)
        }
        holder = .nobody
        return .controlChanged(from: participant, to: nil, reason: reason)
    }
}
