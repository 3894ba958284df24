package import Foundation

/// A person who signs in, as the store knows them; never with the password hash.
package struct UserRecord: Sendable, Equatable {
    package var id: UUID
    package var name: String
    package var serverAdmin: Bool
    /// The pseudonymous id the person's events carry (their row in `actors`).
    package var actorID: UUID
    /// Project id -> role.
    package var roles: [String: ProjectRole]
}

/// A project: it owns scenes, and people have a role in it.
package struct ProjectRecord: Sendable, Equatable {
    package var id: String
    package var name: String
}

/// Users, projects and roles (migration 0005).
extension LedgerStore {
    /// Creates a project. Ids are 1–63 of `a-z 0-9 _ -`, starting with a letter or digit.
    package func createProject(id: String, name: String) async throws(LedgerError) {
        try await identityWrite("project \(id)") { c throws(LedgerError) in
            _ = try await c.query("INSERT INTO projects (id, name) VALUES ($1, $2)", [id, name])
        }
    }

    package func projects() async throws(LedgerError) -> [ProjectRecord] {
        let rows = try await pool.withConnection { c throws(LedgerError) in
            try await c.query("SELECT id, name FROM projects ORDER BY id")
        }
        return rows.rows.map { ProjectRecord(id: $0[0] ?? "", name: $0[1] ?? "") }
    }

    /// Creates a user with a new actor id. Names are 1–64 of `A-Z a-z 0-9 . _ @ -`.
    package func createUser(name: String, password: PasswordHash, serverAdmin: Bool = false) async throws(LedgerError)
        -> UserRecord
    {
        let user = UserRecord(id: UUID(), name: name, serverAdmin: serverAdmin, actorID: UUID(), roles: [:])
        try await identityWrite("user \(name)") { c throws(LedgerError) in
            try await c.exec("BEGIN")
            do throws(LedgerError) {
                _ = try await c.query("INSERT INTO actors (id, display_name) VALUES ($1, $2)", [user.actorID.uuidString, name])
                _ = try await c.query(
                    "INSERT INTO users (id, name, password_hash, server_admin, actor_id) VALUES ($1, $2, $3, $4, $5)",
                    [user.id.uuidString, name, password.stored, serverAdmin ? "true" : "false", user.actorID.uuidString])
                try await c.exec("COMMIT")
            } catch {
                try? await c.exec("ROLLBACK")
                throw error
            }
        }
        return user
    }

    /// The user of that name, with their roles; nil when there is none.
    package func user(named name: String) async throws(LedgerError) -> UserRecord? {
        try await users(where: "u.name = $1", [name]).first
    }

    /// Every user, by name.
    package func users() async throws(LedgerError) -> [UserRecord] {
        try await users(where: "true", [])
    }

    /// The stored password of the user of that name, for signing in; nil when there is none.
    package func passwordHash(ofUser name: String) async throws(LedgerError) -> PasswordHash? {
        let rows = try await pool.withConnection { c throws(LedgerError) in
            try await c.query("SELECT password_hash FROM users WHERE name = $1", [name])
        }
        guard let stored = rows.first?[0] ?? nil else { return nil }
        return try PasswordHash(stored: stored)
    }

    /// Gives the user `role` in `project`, replacing any role there; nil takes it away.
    package func setRole(user: UUID, project: String, role: ProjectRole?) async throws(LedgerError) {
        try await identityWrite("the role of user \(user.uuidString.lowercased()) in project \(project)") { c throws(LedgerError) in
            if let role {
                _ = try await c.query(
                    """
                    INSERT INTO project_roles (user_id, project_id, role) VALUES ($1, $2, $3)
                    ON CONFLICT (user_id, project_id) DO UPDATE SET role = EXCLUDED.role
                    """,
                    [user.uuidString, project, role.rawValue])
            } else {
                _ = try await c.query(
                    "DELETE FROM project_roles WHERE user_id = $1 AND project_id = $2", [user.uuidString, project])
            }
        }
    }

    /// Removes a user and their roles. Their actor row stays, since events and sessions name
    /// it; `eraseIdentity` removes the personal data. Returns false when there was none.
    @discardableResult
    package func removeUser(named name: String) async throws(LedgerError) -> Bool {
        let rows = try await pool.withConnection { c throws(LedgerError) in
            try await c.query("DELETE FROM users WHERE name = $1 RETURNING id", [name])
        }
        return !rows.isEmpty
    }

    // MARK: -

    private func users(where condition: String, _ params: [String?]) async throws(LedgerError) -> [UserRecord] {
        let rows = try await pool.withConnection { c throws(LedgerError) in
            try await c.query(
                """
                SELECT u.id, u.name, u.server_admin, u.actor_id, r.project_id, r.role
                FROM users u LEFT JOIN project_roles r ON r.user_id = u.id
                WHERE \(condition) ORDER BY u.name, r.project_id
                """,
                params)
        }
        var users: [UserRecord] = []
        for row in rows.rows {
            guard let id = row[0].flatMap(UUID.init(uuidString:)), let actor = row[3].flatMap(UUID.init(uuidString:)) else {
                throw LedgerError(.decoding, "A users row has no valid id")
            }
            if users.last?.id != id {
                users.append(UserRecord(id: id, name: row[1] ?? "", serverAdmin: row[2] == "t", actorID: actor, roles: [:]))
            }
            if let project = row[4], let role = row[5].flatMap(ProjectRole.init(rawValue:)) {
                users[users.count - 1].roles[project] = role
            }
        }
        return users
    }

    /// Runs a write and names the thing at fault when PostgreSQL refuses it.
    private func identityWrite(_ what: String, _ body: @Sendable (PGConnection) async throws(LedgerError) -> Void)
        async throws(LedgerError)
    {
        do throws(LedgerError) {
            try await pool.withConnection { c throws(LedgerError) in try await body(c) }
        } catch {
            switch (error.underlying as? PGServerError)?.sqlState {
            case PGServerError.uniqueViolation?:
                throw LedgerError(.conflict, "\(what) exists already", underlying: error)
            case "23514"?:
                throw LedgerError(.invalidArgument, "\(what): not an allowed name (project ids: 1–63 of a-z, 0-9, _ and -; user names: 1–64 of A-Z, a-z, 0-9, ., _, @ and -)", underlying: error)
            case "23503"?:
                throw LedgerError(.notFound, "\(what): the user or project does not exist", underlying: error)
            default:
                throw error
            }
        }
    }
}
