package import Foundation

/// The person behind a pseudonymous actor id: personal data kept in `actors`, apart from
/// the events, so that it can be erased without touching any hash chain.
package struct ActorIdentity: Sendable, Equatable {
    package var id: UUID
    package var displayName: String?
    package var email: String?
    package var ip: String?
    /// When the identity was erased (microseconds since the Unix epoch); nil while it exists.
    package var erasedAtMicros: Int64?

    package init(id: UUID, displayName: String? = nil, email: String? = nil, ip: String? = nil, erasedAtMicros: Int64? = nil) {
        self.id = id
        self.displayName = displayName
        self.email = email
        self.ip = ip
        self.erasedAtMicros = erasedAtMicros
    }

    /// The pseudonym shown wherever the identity is absent or erased: the actor id.
    package var pseudonym: String { "actor-" + id.uuidString.lowercased() }

    /// The name to show: the display name, or the pseudonym once erased or never given.
    package var shownName: String {
        guard erasedAtMicros == nil, let displayName, !displayName.isEmpty else { return pseudonym }
        return displayName
    }
}
