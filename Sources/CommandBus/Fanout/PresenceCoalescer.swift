package import Foundation

/// Coalesces a scene's presence (each participant's camera and pointer) for the other
/// participants: the latest value of each participant wins, and the scene sends what
/// changed at most once per `intervalNanos`, in one batch for all participants.
///
/// Pure: no clock, no I/O. The caller passes the time in, arms a timer when `record`
/// says so and calls `flush` when it fires. Presence is not scene state: a participant's
/// camera may be seen late or skip values, but the newest value always goes out.
package struct PresenceCoalescer: Sendable {
    /// One participant's presence, encoded once for every recipient.
    package struct Entry: Sendable, Equatable {
        package var participant: UUID
        package var bytes: [UInt8]

        package init(participant: UUID, bytes: [UInt8]) {
            self.participant = participant
            self.bytes = bytes
        }
    }

    /// What `flush` found.
    package enum Flush: Sendable, Equatable {
        /// Send this batch (each participant at most once, in the order they first changed).
        case send([Entry])
        /// Too early: the previous batch went out less than an interval ago; flush again then.
        case wait(untilNanos: UInt64)
        /// Nothing changed since the last batch.
        case nothing
    }

    package let intervalNanos: UInt64
    private var pending: [UUID: Int] = [:]
    private var entries: [Entry] = []
    private var lastFlushNanos: UInt64?
    /// Whether a flush is due and the caller has been asked to arm its timer.
    private var armed = false

    /// Ten batches a second by default.
    package init(intervalNanos: UInt64 = 100_000_000) {
        self.intervalNanos = intervalNanos
    }

    /// Participants with a change not yet sent.
    package var pendingCount: Int { entries.count }

    /// Notes a participant's newest presence. Returns the time to call `flush` at when the
    /// caller must arm its timer (nil: a flush is already due).
    package mutating func record(_ entry: Entry, nowNanos: UInt64) -> UInt64? {
        if let index = pending[entry.participant] {
            entries[index] = entry
        } else {
            pending[entry.participant] = entries.count
            entries.append(entry)
        }
        guard !armed else { return nil }
        armed = true
        return dueNanos(now: nowNanos)
    }

    /// The batch to send now, if one is due.
    package mutating func flush(nowNanos: UInt64) -> Flush {
        guard !entries.isEmpty else {
            armed = false
            return .nothing
        }
        let due = dueNanos(now: nowNanos)
        guard due <= nowNanos else {
            armed = true
            return .wait(untilNanos: due)
        }
        let batch = entries
        entries.removeAll(keepingCapacity: true)
        pending.removeAll(keepingCapacity: true)
        lastFlushNanos = nowNanos
        armed = false
        return .send(batch)
    }

    /// Drops a participant's unsent presence (it left the scene).
    package mutating func forget(_ participant: UUID) {
        guard let index = pending.removeValue(forKey: participant) else { return }
        entries.remove(at: index)
        for (i, entry) in entries.enumerated().dropFirst(index) { pending[entry.participant] = i }
    }

    private func dueNanos(now: UInt64) -> UInt64 {
        guard let lastFlushNanos else { return now }
        return max(now, lastFlushNanos + intervalNanos)
    }
}
