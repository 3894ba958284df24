package import Foundation
package import SceneLedger

/// Who is asking: the signed-in person, with a role in each project they belong to.
package struct Principal: Sendable, Equatable {
    package var userID: UUID
    package var name: String
    /// Holds every permission in every project.
    package var serverAdmin: Bool
    /// Project id -> role. A project not named here is one the person cannot see.
    package var roles: [String: ProjectRole]

    package init(userID: UUID, name: String, serverAdmin: Bool = false, roles: [String: ProjectRole] = [:]) {
        self.userID = userID
        self.name = name
        self.serverAdmin = serverAdmin
        self.roles = roles
    }
}

/// The one place that decides whether a request may go ahead (issue #18): every route,
/// channel and CLI path that reaches the server asks `decide`, so the matrix lives here
/// and nowhere else. Pure: no I/O, no clock.
package enum Authorization {
    /// The verdict.
    package enum Decision: Sendable, Equatable {
        case allowed
        /// Nobody is signed in: HTTP 401, or the WebSocket's `unauthenticated`.
        case unauthenticated
        /// Signed in, but the role does not allow it: HTTP 403, or `forbidden`.
        case forbidden(reason: String)
    }

    /// Whether `principal` may do `permission` in `project`.
    package static func decide(_ principal: Principal?, _ permission: Permission, project: String) -> Decision {
        guard let principal else { return .unauthenticated }
        if principal.serverAdmin { return .allowed }
        guard let needed = permission.minimumRole else {
            return .forbidden(reason: "\(permission.rawValue) needs a server admin")
        }
        guard let role = principal.roles[project] else {
            return .forbidden(reason: "\(principal.name) has no role in project \(project)")
        }
        guard role >= needed else {
            return .forbidden(reason: "\(permission.rawValue) needs the \(needed.rawValue) role; \(principal.name) is \(role.rawValue) in project \(project)")
        }
        return .allowed
    }

    /// `decide` for a scene command, as the refusal the command path sends: `forbidden`
    /// (or `unauthenticated`) naming the command, with its id as `ref`.
    package static func check(_ command: ClientCommand, by principal: Principal?, project: String) -> CommandError? {
        switch decide(principal, Permission(command: command.body.type), project: project) {
        case .allowed:
            return nil
        case .unauthenticated:
            return CommandError(.unauthenticated, "\"\(command.typeName)\" needs a signed-in participant; join with a token", ref: command.id)
        case .forbidden(let reason):
            return CommandError(.forbidden, "\"\(command.typeName)\" is not allowed: \(reason)", ref: command.id)
        }
    }
}
