import Foundation
import ScenecastTestSupport
import Testing
@testable import SceneLedger

@Suite("Users, projects and roles against PostgreSQL")
struct UserStoreIntegrationTests {
    @Test("scenes start in the default project; projects, users and roles are created, read and refused by name")
    func usersProjectsRoles() async throws {
        let db = try await TestDatabase.make()
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        defer { Task { await store.close() } }

        let scene = UUID()
        try await store.createScene(id: scene, name: "hall")
        let project = try await store.pool.withConnection { c throws(LedgerError) in
            try await c.query("SELECT project_id FROM scenes WHERE id = $1", [scene.uuidString])
        }
        #expect(project.first?[0] == "default")

        try await store.createProject(id: "plant-7", name: "Plant 7")
        #expect(try await store.projects() == [.init(id: "default", name: "Default project"), .init(id: "plant-7", name: "Plant 7")])
        let duplicate = await #expect(throws: LedgerError.self) { try await store.createProject(id: "plant-7", name: "again") }
        #expect(duplicate?.code == .conflict)
        let badProject = await #expect(throws: LedgerError.self) { try await store.createProject(id: "Plant 7", name: "x") }
        #expect(badProject?.code == .invalidArgument)

        let password = try PasswordHash(hashing: "s3cret-enough")
        let ada = try await store.createUser(name: "ada", password: password)
        let root = try await store.createUser(name: "root", password: password, serverAdmin: true)
        let taken = await #expect(throws: LedgerError.self) { _ = try await store.createUser(name: "ada", password: password) }
        #expect(taken?.code == .conflict)
        let badName = await #expect(throws: LedgerError.self) { _ = try await store.createUser(name: "ada lovelace", password: password) }
        #expect(badName?.code == .invalidArgument)
        #expect(try await store.passwordHash(ofUser: "ada")?.verify("s3cret-enough") == true)
        #expect(try await store.passwordHash(ofUser: "nobody") == nil)

        try await store.setRole(user: ada.id, project: "default", role: .engineer)
        try await store.setRole(user: ada.id, project: "plant-7", role: .viewer)
        try await store.setRole(user: ada.id, project: "plant-7", role: .admin)
        let unknown = await #expect(throws: LedgerError.self) {
            try await store.setRole(user: ada.id, project: "no-such-project", role: .viewer)
        }
        #expect(unknown?.code == .notFound)
        let read = try #require(try await store.user(named: "ada"))
        #expect(read.roles == ["default": .engineer, "plant-7": .admin])
        #expect(read.actorID == ada.actorID && !read.serverAdmin)
        try await store.setRole(user: ada.id, project: "default", role: nil)
        #expect(try await store.user(named: "ada")?.roles == ["plant-7": .admin])
        #expect(try await store.users().map(\.name) == ["ada", "root"])
        #expect(try await store.user(named: "root")?.serverAdmin == true)
        #expect(root.roles.isEmpty)

        // Removing a user keeps the actor row that events name.
        #expect(try await store.removeUser(named: "ada"))
        #expect(try await store.removeUser(named: "ada") == false)
        #expect(try await store.user(named: "ada") == nil)
        #expect(try await store.identities([ada.actorID])[ada.actorID]?.displayName == "ada")
    }
}
