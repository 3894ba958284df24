import Foundation
import Replay
import SceneLedger
import ScenecastTestSupport
import Testing

@Suite("Erasure keeps every chain verifying")
struct ErasureTests {
    @Test("erasing an actor deletes the identity, records a PII-free actor.erased, and chains and exports still verify")
    func erase() async throws {
        let f = try await ReplayFixture.make()
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = try AuditSigningKey.loadOrCreate(path: folder + "/key")
        try await f.withStore { store in
            let before = try await store.identities([f.annActor])[f.annActor]
            #expect(before?.displayName == "Ann Example")
            #expect(before?.email == "ann@example.com")

            let result = try await ActorEraser(store: store, conninfo: f.db.conninfo, operatorActor: UUID(), logger: f.db.logger)
                .erase(actor: f.annActor, holder: "erasure-test")
            #expect(result.events == [f.scene: Int64(f.events.count + 1)])
            #expect(result.hadIdentity)

            let after = try #require(try await store.identities([f.annActor])[f.annActor])
            #expect(after.displayName == nil && after.email == nil && after.ip == nil && after.erasedAtMicros != nil)
            #expect(after.shownName == "actor-" + f.annActor.uuidString.lowercased())

            // The erasure event carries only the pseudonymous id.
            let erased = try #require(try await store.events(scene: f.scene, afterVersion: Int64(f.events.count)).first)
            #expect(erased.type == "actor.erased")
            #expect(erased.payload == Array("{\"actor\":\"\(f.annActor.uuidString.lowercased())\"}".utf8))
            #expect(try erased.decodedEvent() == .actorErased(actor: f.annActor))

            // Every chain still verifies, live and exported.
            let live = try await store.verify(scene: f.scene)
            #expect(live.isIntact)
            #expect(live.checked == Int64(f.events.count + 1))
            for selection in [AuditSelection(filter: .scene, id: f.scene), AuditSelection(filter: .actor, id: f.annActor)] {
                let path = folder + "/\(selection.filter.rawValue).jsonl"
                let export = try await AuditExporter(store: store, key: key).export(selection, format: .jsonl, to: path)
                #expect(export.chainBreaks.isEmpty)
                #expect(try AuditFileVerifier().verify(file: path).isIntact)
                let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
                #expect(!text.contains("Ann") && !text.contains("ann@example.com"))
            }

            // Replays show the pseudonym where the name was.
            let joined = try #require(f.events.first { $0.sessionID == f.ann && $0.type == "participant.joined" })
            let moment = try await ReplayLoader(store: store).moment(session: f.ann, at: "v\(joined.version)", nowMicros: WallClock.nowMicros())
            let ann = try #require(moment.summary.participants.first { $0.participant == f.ann })
            #expect(ann.name == "actor-" + f.annActor.uuidString.lowercased())

            // Erasing twice is harmless; an unknown actor is an error that records nothing.
            _ = try await ActorEraser(store: store, conninfo: f.db.conninfo, operatorActor: UUID(), logger: f.db.logger)
                .erase(actor: f.annActor, holder: "erasure-test")
            #expect(try await store.verify(scene: f.scene).isIntact)
            let head = try await store.headVersion(of: f.scene)
            let error = await #expect(throws: LedgerError.self) {
                try await ActorEraser(store: store, conninfo: f.db.conninfo, operatorActor: UUID(), logger: f.db.logger)
                    .erase(actor: UUID(), holder: "erasure-test")
            }
            #expect(error?.code == .notFound)
            #expect(try await store.headVersion(of: f.scene) == head)
        }
    }

    @Test("a scene hosted by another process is not touched: nothing is erased")
    func hosted() async throws {
        let f = try await ReplayFixture.make()
        try await f.withStore { store in
            let lease = try await store.acquireLease(scene: f.scene, holder: "a running server")
            let error = await #expect(throws: LedgerError.self) {
                try await ActorEraser(store: store, conninfo: f.db.conninfo, operatorActor: UUID(), logger: f.db.logger)
                    .erase(actor: f.annActor, holder: "erasure-test")
            }
            #expect(error?.code == .fenced)
            #expect(try await store.identities([f.annActor])[f.annActor]?.displayName == "Ann Example")
            #expect(try await store.headVersion(of: f.scene) == Int64(f.events.count))
            await store.releaseLease(lease)
        }
    }
}
