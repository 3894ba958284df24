public import Foundation

/// What flows along a connection. Each kind has its own colour in the renderer.
public enum ConnectionKind: String, CaseIterable, Sendable {
    case production
    case material
    case data
    case power
}

/// Which way a connection flows, relative to source → target.
public enum ConnectionDirection: String, CaseIterable, Sendable {
    case forward
    case backward
    case both
}

/// A link between two devices.
public struct Connection: Hashable, Sendable, Identifiable {
    public var id: UUID
    public var source: UUID
    public var target: UUID
    public var kind: ConnectionKind
    public var direction: ConnectionDirection

    public init(id: UUID, source: UUID, target: UUID, kind: ConnectionKind, direction: ConnectionDirection = .forward) {
        self.id = id
        self.source = source
        self.target = target
        self.kind = kind
        self.direction = direction
    }

    /// True when this connection joins the same two devices with the same kind as
    /// `other`, in either order: such a pair is a duplicate.
    package func duplicates(source s: UUID, target t: UUID, kind k: ConnectionKind) -> Bool {
        kind == k && ((source == s && target == t) || (source == t && target == s))
    }
}
