import Crypto
import Foundation
import ScenecastTestSupport
import Testing
@testable import SceneLedger

@Suite("Content-addressed model storage against PostgreSQL")
struct ModelStoreIntegrationTests {
    func file(_ bytes: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID()).stl")
        try Data(bytes).write(to: url)
        return url
    }

    @Test("a model is stored once under its SHA-256, in chunks, and reads back byte for byte")
    func roundTrip() async throws {
        let db = try await TestDatabase.make()
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        // Over two chunks, so chunk order matters.
        let bytes = (0..<(LedgerStore.modelChunkBytes + 12_345)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let sha = Hex.encode(SHA256.hash(data: bytes))
        let url = try file(bytes)
        let first = try await store.putModel(file: url, sha256: sha, format: "stl", name: "part.stl", triangles: 12)
        #expect(first.sizeBytes == Int64(bytes.count))
        let again = try await store.putModel(file: url, sha256: sha, format: "stl", name: "renamed.stl", triangles: 12)
        #expect(again == first)
        #expect(try await store.modelBytes(sha) == bytes)
        #expect(try await store.listModels().map(\.sha256) == [sha])
        await store.close()
    }

    @Test("bytes that do not match the claimed hash are refused and nothing is stored")
    func wrongHash() async throws {
        let db = try await TestDatabase.make()
        let store = LedgerStore(conninfo: db.conninfo, logger: db.logger)
        let url = try file(Array("not the bytes you hashed".utf8))
        let claimed = String(repeating: "ab", count: 32)
        await #expect(throws: LedgerError.self) {
            _ = try await store.putModel(file: url, sha256: claimed, format: "stl", name: "x.stl", triangles: 1)
        }
        #expect(try await store.model(claimed) == nil)
        let missing = await #expect(throws: LedgerError.self) { _ = try await store.modelBytes(claimed) }
        #expect(missing?.code == .notFound)
        await store.close()
    }
}
