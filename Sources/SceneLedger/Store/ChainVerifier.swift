/// Walks a scene's events in version order and finds the first broken link. Pure.
///
/// What each check catches:
/// - a version other than the next one: events deleted (a gap) or rows reordered or
///   duplicated (a version going backwards);
/// - `prev_hash` not equal to the previous event's `hash`: an event inserted, removed or
///   moved, or the previous event rewritten together with its hash;
/// - `hash` not equal to the recomputed hash: the event's content was altered.
package struct ChainVerifier: Sendable {
    package private(set) var checked: Int64 = 0
    package private(set) var headHash: [UInt8] = EventHash.genesis
    private var nextVersion: Int64 = 1

    package init() {}

    /// Checks the next event; returns the break it shows, if any.
    package mutating func check(_ event: RecordedEvent) -> ChainBreak? {
        if event.version != nextVersion {
            let kind: ChainBreak.Kind = event.version > nextVersion ? .missing : .reordered
            return ChainBreak(
                kind: kind, version: event.version, position: event.position,
                message: event.version > nextVersion
                    ? "expected version \(nextVersion) but found \(event.version): events are missing"
                    : "version \(event.version) appears after version \(nextVersion - 1): events are out of order or duplicated"
            )
        }
        if event.prevHash != headHash {
            return ChainBreak(
                kind: .brokenLink, version: event.version, position: event.position,
                message: "prev_hash of version \(event.version) does not match the hash of version \(event.version - 1): an event was inserted, removed or rewritten before it"
            )
        }
        if event.computedHash != event.hash {
            return ChainBreak(
                kind: .altered, version: event.version, position: event.position,
                message: "the content of version \(event.version) does not match its hash: the event was altered"
            )
        }
        headHash = event.hash
        nextVersion += 1
        checked += 1
        return nil
    }
}

/// The first place a chain fails to verify.
package struct ChainBreak: Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable {
        case altered
        case missing
        case reordered
        case brokenLink = "broken_link"
    }

    package let kind: Kind
    package let version: Int64
    package let position: Int64
    package let message: String

    package var description: String { "\(message) (position \(position))" }
}

/// The outcome of verifying a scene.
package struct ChainReport: Sendable, Equatable {
    package var checked: Int64
    package var headHash: [UInt8]
    package var firstBreak: ChainBreak?

    package var isIntact: Bool { firstBreak == nil }
}
