import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing

/// The audit identity a join records, against a live `scenecast serve` and a real
/// PostgreSQL: the name, the optional email and the client's IP address go to `actors`;
/// `scenecast erase` clears all three and the chain keeps verifying.
@Suite("join identity and erasure", .serialized)
struct JoinIdentityEndToEndTests {
    func join(actor: UUID, email: String) -> JSONValue {
        [
            "type": "join", "scene": "demo", "role": "driver", "name": "Ada Lovelace", "actor": .string(actor.uuidString.lowercased()),
            "email": .string(email),
        ]
    }

    @Test("a join records name, email and IP; a bad email records nothing; erase clears them; audit verify passes")
    func identityAtJoin() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "3"])
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let actor = UUID()
        let refusedActor = UUID()

        // A bad email: a structured error, no join, nothing recorded.
        let refused = SignalClient(port: server.port)
        refused.send(join(actor: refusedActor, email: "ada at example dot com"))
        let error = try await refused.next(type: "error")
        #expect(error["code"]?.stringValue == "out_of_range")
        #expect(error["message"]?.stringValue?.contains("\"email\"") == true)
        refused.close()
        #expect(try await store.identities([refusedActor]).isEmpty)
        #expect(try await store.scenes(touchedBy: refusedActor).isEmpty)

        // A good one: name, email and the client's address in actors, none of it in events.
        let client = SignalClient(port: server.port)
        client.send(join(actor: actor, email: "ada@example.com"))
        let joined = try await client.next(type: "joined")
        _ = try await client.next(type: "state:full")
        let scene = try #require(joined["scene"]?.stringValue.flatMap(UUID.init(uuidString:)))
        let session = try #require(joined["session"]?.stringValue.flatMap(UUID.init(uuidString:)))
        var identity: ActorIdentity?
        for _ in 0..<100 {
            identity = try await store.identities([actor])[actor]
            if identity != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(identity?.displayName == "Ada Lovelace")
        #expect(identity?.email == "ada@example.com")
        #expect(identity?.ip == "127.0.0.1")
        #expect(identity?.erasedAtMicros == nil)
        client.close()
        for _ in 0..<200 where try await store.session(session)?.endMicros == nil {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(await server.stop() == 0)
        let events = try await store.events(scene: scene, afterVersion: 0)
        #expect(!events.isEmpty)
        for event in events {
            let payload = String(decoding: event.payload, as: UTF8.self)
            #expect(!payload.contains("ada@example.com") && !payload.contains("127.0.0.1") && !payload.contains("Lovelace"))
        }

        // Erase (the server is stopped, so the scene's lease is free), then verify.
        let erase = try ServerProcess.run(["erase", "--actor", actor.uuidString, "--database", db.conninfo])
        #expect(erase.status == 0, "\(erase.output)")
        let erased = try #require(try await store.identities([actor])[actor])
        #expect(erased.displayName == nil && erased.email == nil && erased.ip == nil && erased.erasedAtMicros != nil)
        let conn = try await db.superuser()
        let raw = try await conn.query("SELECT display_name, email, ip FROM actors WHERE id = $1", [actor.uuidString])
        #expect(raw.rows.count == 1 && raw.rows.first == [nil, nil, nil])
        await conn.close()
        let verify = try ServerProcess.run(["audit", "verify", "--scene", scene.uuidString, "--database", db.conninfo])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("ok"))
        await store.close()
    }
}
