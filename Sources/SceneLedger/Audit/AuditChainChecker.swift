package import Foundation

/// Checks the rows of an audit export, in file order, and finds the first broken link. Pure.
///
/// Every row must hash: `hash = SHA-256(prev_hash ‖ envelope)` recomputed from the row's
/// own fields. Rows of one scene must come in increasing version and position order. In a
/// whole-scene export (`contiguous`) versions must also follow on without gaps, and each
/// row's `prev_hash` must be the previous row's `hash`, starting from the scene's anchor
/// in the manifest. In a filtered export, rows whose versions follow on must link the same
/// way; a gap between two rows is covered by the signed manifest (see docs/audit.md).
package struct AuditChainChecker: Sendable {
    package struct Anchor: Sendable, Equatable {
        /// `prev_hash` of the scene's first exported row.
        package var firstPrevHash: [UInt8]
        package var firstVersion: Int64
    }

    private struct SceneCursor {
        var version: Int64
        var position: Int64
        var hash: [UInt8]
        var rows: Int64
    }

    package let contiguous: Bool
    package let anchors: [UUID: Anchor]
    private var scenes: [UUID: SceneCursor] = [:]
    package private(set) var rows: Int64 = 0
    package private(set) var firstHash: [UInt8]?
    package private(set) var lastHash: [UInt8]?

    package init(contiguous: Bool, anchors: [UUID: Anchor]) {
        self.contiguous = contiguous
        self.anchors = anchors
    }

    /// Rows checked so far, per scene.
    package func rows(of scene: UUID) -> Int64 { scenes[scene]?.rows ?? 0 }
    /// The last hash checked in a scene.
    package func headHash(of scene: UUID) -> [UInt8]? { scenes[scene]?.hash }
    package func lastVersion(of scene: UUID) -> Int64? { scenes[scene]?.version }

    /// Checks the next row (`line` is its 1-based line number in the file). `hashMatches`
    /// is the result of `event.computedHash == event.hash` when the caller already has it
    /// (the offline verifier hashes rows on several threads).
    package mutating func check(_ event: RecordedEvent, line: Int64, hashMatches: Bool? = nil) -> AuditBreak? {
        let at = { (kind: AuditBreak.Kind, message: String) in
            AuditBreak(kind: kind, line: line, scene: event.sceneID, version: event.version, position: event.position, message: message)
        }
        if let previous = scenes[event.sceneID] {
            if event.version <= previous.version {
                return at(.reordered, "version \(event.version) comes after version \(previous.version): rows are out of order or repeated")
            }
            if event.version == previous.version + 1 {
                if event.prevHash != previous.hash {
                    return at(.brokenLink, "prev_hash of version \(event.version) is not the hash of version \(previous.version): a row was inserted, removed or rewritten before it")
                }
            } else if contiguous {
                return at(.missing, "expected version \(previous.version + 1) but found \(event.version): rows were deleted")
            }
            if event.position <= previous.position {
                return at(.reordered, "position \(event.position) of version \(event.version) is not after position \(previous.position) of version \(previous.version): rows were moved")
            }
        } else if let anchor = anchors[event.sceneID] {
            if event.version != anchor.firstVersion {
                return at(
                    event.version > anchor.firstVersion ? .missing : .reordered,
                    "the scene's first row should be version \(anchor.firstVersion) but is \(event.version)")
            }
            if event.prevHash != anchor.firstPrevHash {
                return at(.brokenLink, "prev_hash of version \(event.version) differs from the signed manifest's: the row was replaced")
            }
        } else {
            return at(.inserted, "scene \(event.sceneID.lowercasedString) is not in the signed manifest: the row was inserted")
        }
        if !(hashMatches ?? (event.computedHash == event.hash)) {
            return at(.altered, "the content of version \(event.version) does not match its hash: the row was altered")
        }
        let count = (scenes[event.sceneID]?.rows ?? 0) + 1
        scenes[event.sceneID] = SceneCursor(version: event.version, position: event.position, hash: event.hash, rows: count)
        rows += 1
        if firstHash == nil { firstHash = event.hash }
        lastHash = event.hash
        return nil
    }
}

/// The first place an audit export, or its manifest, fails to verify.
package struct AuditBreak: Sendable, Equatable, CustomStringConvertible {
    package enum Kind: String, Sendable {
        case altered
        case missing
        case inserted
        case reordered
        case brokenLink = "broken_link"
        case malformed
        case badSignature = "bad_signature"
        case manifestMismatch = "manifest_mismatch"
        case chainBrokenAtExport = "chain_broken_at_export"
    }

    package let kind: Kind
    /// The file line (1-based; the CSV header is line 1); 0 for the manifest.
    package let line: Int64
    package let scene: UUID?
    package let version: Int64?
    package let position: Int64?
    package let message: String

    package init(kind: Kind, line: Int64, scene: UUID? = nil, version: Int64? = nil, position: Int64? = nil, message: String) {
        self.kind = kind
        self.line = line
        self.scene = scene
        self.version = version
        self.position = position
        self.message = message
    }

    package var description: String {
        var where_ = line > 0 ? "line \(line)" : "manifest"
        if let version { where_ += ", version \(version)" }
        if let position { where_ += ", position \(position)" }
        return "\(kind.rawValue) at \(where_): \(message)"
    }
}
