package import Foundation

/// One connection's outbound messages, as a pure state machine: no I/O and no clock (the
/// time is passed in). The transport writes one message at a time: `.write` starts a
/// write, and `written` says it finished.
///
/// Two lanes:
/// - the **urgent** lane, in order: acks, errors, the sender's own updates, edits (every
///   `state:update` sent to all), `state:full`, signalling;
/// - the **presence** lane: other participants' camera and pointer, the latest value of
///   each participant only. It is written only when the urgent lane is empty, as one
///   `presence` message, so presence never goes ahead of or in the way of acks and edits.
///
/// A slow consumer (more than `limits.maxQueuedBytes` queued) first loses its queued
/// presence; if still over the bound, its queued `state:update`s are dropped, later ones
/// too, and it is asked for a `state:full` in their place (`.requestFull`); acks and
/// errors are kept. A connection that fell behind like that and whose write has not
/// finished for `limits.stallNanos` has stopped reading and is closed. (A slow write with
/// little queued, such as the first while a join is still recorded, closes nothing.)
package struct OutboundQueue: Sendable {
    package struct Limits: Sendable {
        package var maxQueuedBytes: Int
        package var stallNanos: UInt64

        package init(maxQueuedBytes: Int = 4 << 20, stallNanos: UInt64 = 15_000_000_000) {
            self.maxQueuedBytes = maxQueuedBytes
            self.stallNanos = stallNanos
        }
    }

    /// What the urgent lane holds.
    package enum Kind: Sendable, Equatable {
        /// Never dropped: acks, errors, joined, signalling.
        case control
        /// A `state:update`: replaced by a `state:full` when the consumer falls behind.
        case update
        /// A `state:full`: supersedes every update and presence queued before it.
        case full
    }

    package enum Action: Sendable {
        /// Write these bytes; call `written` when done.
        case write([UInt8])
        /// The consumer fell behind: send it a `state:full` (pushed as `.full`).
        case requestFull
        /// The consumer stopped reading: close the connection.
        case close(CommandError)
    }

    package let limits: Limits
    private var urgent: [(kind: Kind, bytes: [UInt8])] = []
    private var head = 0
    /// Participant -> index in `presenceEntries`; built only when a second batch is merged
    /// into a lane that still holds one (a consumer that has not read the last).
    private var presence: [UUID: Int] = [:]
    private var presenceIndexed = false
    private var presenceEntries: [PresenceCoalescer.Entry] = []
    private var queuedBytes = 0
    private var writeStartedNanos: UInt64?
    private var awaitingFull = false
    /// Something was dropped since the last write finished: the consumer is behind.
    private var behind = false
    private(set) package var closed = false
    /// Counters, for tests and logs.
    private(set) package var droppedPresence = 0
    private(set) package var droppedUpdates = 0

    package init(limits: Limits = Limits()) {
        self.limits = limits
    }

    package var isWriting: Bool { writeStartedNanos != nil }
    package var queuedMessages: Int { urgent.count - head + (presenceEntries.isEmpty ? 0 : 1) }

    /// Queues a message on the urgent lane.
    package mutating func push(_ bytes: [UInt8], kind: Kind, nowNanos: UInt64) -> [Action] {
        guard !closed else { return [] }
        switch kind {
        case .update where awaitingFull:
            droppedUpdates += 1
            behind = true
            return stalled(nowNanos) ?? []
        case .full:
            // Everything it would bring up to date is in it.
            awaitingFull = false
            removeQueuedUpdates()
            clearPresence()
        default:
            break
        }
        urgent.append((kind, bytes))
        queuedBytes += bytes.count
        return settle(nowNanos)
    }

    /// Merges other participants' presence into the presence lane (latest wins), leaving
    /// out `excluding` (the recipient's own). An empty lane takes the host's batch as it
    /// is, shared by every recipient; only a lane that still holds presence is indexed
    /// and merged, entry by entry.
    package mutating func pushPresence(_ batch: [PresenceCoalescer.Entry], excluding: UUID?, nowNanos: UInt64) -> [Action] {
        guard !closed else { return [] }
        if presenceEntries.isEmpty {
            presenceEntries = batch
            if let excluding, let own = presenceEntries.firstIndex(where: { $0.participant == excluding }) {
                presenceEntries.remove(at: own)
            }
            queuedBytes += presenceEntries.reduce(0) { $0 + $1.bytes.count + 1 }
            return settle(nowNanos)
        }
        if !presenceIndexed {
            presence.removeAll(keepingCapacity: true)
            for (index, entry) in presenceEntries.enumerated() { presence[entry.participant] = index }
            presenceIndexed = true
        }
        for entry in batch where entry.participant != excluding {
            if let index = presence[entry.participant] {
                queuedBytes += entry.bytes.count - presenceEntries[index].bytes.count
                presenceEntries[index] = entry
            } else {
                presence[entry.participant] = presenceEntries.count
                presenceEntries.append(entry)
                queuedBytes += entry.bytes.count + 1
            }
        }
        return settle(nowNanos)
    }

    /// The transport finished the write it was given.
    package mutating func written(nowNanos: UInt64) -> [Action] {
        writeStartedNanos = nil
        behind = false
        guard !closed else { return [] }
        return settle(nowNanos)
    }

    /// Checks for a stalled reader without queueing anything (the caller's periodic tick).
    package mutating func tick(nowNanos: UInt64) -> [Action] {
        guard !closed else { return [] }
        return stalled(nowNanos) ?? []
    }

    // MARK: -

    private mutating func settle(_ now: UInt64) -> [Action] {
        if let close = stalled(now) { return close }
        var actions: [Action] = []
        if queuedBytes > limits.maxQueuedBytes {
            behind = true
            if !presenceEntries.isEmpty {
                droppedPresence += presenceEntries.count
                clearPresence()
            }
            if queuedBytes > limits.maxQueuedBytes && !awaitingFull {
                removeQueuedUpdates()
                awaitingFull = true
                actions.append(.requestFull)
            }
        }
        if writeStartedNanos == nil, let next = next() {
            writeStartedNanos = now
            actions.append(.write(next))
        }
        return actions
    }

    private mutating func stalled(_ now: UInt64) -> [Action]? {
        guard behind, let started = writeStartedNanos, now > started, now - started >= limits.stallNanos else { return nil }
        closed = true
        urgent.removeAll()
        head = 0
        clearPresence()
        queuedBytes = 0
        let seconds = limits.stallNanos / 1_000_000_000
        return [.close(CommandError(.unavailable, "the connection read nothing for \(seconds) s and was closed; reconnect"))]
    }

    private mutating func next() -> [UInt8]? {
        if head < urgent.count {
            let bytes = urgent[head].bytes
            urgent[head].bytes = []
            head += 1
            queuedBytes -= bytes.count
            if head > 64 && head * 2 > urgent.count {
                urgent.removeFirst(head)
                head = 0
            }
            return bytes
        }
        guard !presenceEntries.isEmpty else { return nil }
        let message = Self.presenceMessage(presenceEntries)
        clearPresence()
        return message
    }

    private mutating func removeQueuedUpdates() {
        let before = urgent.count - head
        urgent = urgent[head...].filter { $0.kind != .update }
        head = 0
        droppedUpdates += before - urgent.count
        queuedBytes = urgent.reduce(0) { $0 + $1.bytes.count } + presenceEntries.reduce(0) { $0 + $1.bytes.count + 1 }
    }

    private mutating func clearPresence() {
        queuedBytes -= presenceEntries.reduce(0) { $0 + $1.bytes.count + 1 }
        presenceEntries = []
        if presenceIndexed {
            presence.removeAll(keepingCapacity: true)
            presenceIndexed = false
        }
    }

    /// `{"participants":[<entry>,...],"type":"presence"}`: canonical JSON (sorted keys)
    /// from entries that are canonical JSON objects already.
    package static func presenceMessage(_ entries: [PresenceCoalescer.Entry]) -> [UInt8] {
        var bytes = Array(#"{"participants":["#.utf8)
        bytes.reserveCapacity(entries.reduce(40) { $0 + $1.bytes.count + 1 })
        for (i, entry) in entries.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += entry.bytes
        }
        bytes += Array(#"],"type":"presence"}"#.utf8)
        return bytes
    }
}
