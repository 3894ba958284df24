import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing

@Suite("Audit: export, offline verification and signatures")
struct AuditExportTests {
    /// Exports, runs `body` with the file's path, the key and the folder, and cleans up.
    func withExport<T>(
        _ f: ReplayFixture, _ selection: AuditSelection, format: AuditFormat = .jsonl,
        _ body: (String, AuditSigningKey, AuditExporter.Result) throws -> T
    ) async throws -> T {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let key = try AuditSigningKey.loadOrCreate(path: folder + "/keys/audit.key")
        let path = folder + "/export." + format.rawValue
        let result = try await f.withStore { store in
            try await AuditExporter(store: store, key: key).export(selection, format: format, to: path)
        }
        return try body(path, key, result)
    }

    func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
    func write(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    @Test("a whole-scene export verifies offline, in both formats, with the chain's head hash", arguments: AuditFormat.allCases)
    func roundTrip(format: AuditFormat) async throws {
        let f = try await ReplayFixture.make()
        try await withExport(f, AuditSelection(filter: .scene, id: f.scene), format: format) { path, key, result throws in
            #expect(result.chainBreaks.isEmpty)
            #expect(result.manifest.rows == Int64(f.events.count))
            #expect(result.manifest.lastHash == f.events.last!.hash)
            let report = try AuditFileVerifier(expectedPublicKey: key.publicKey).verify(file: path)
            #expect(report.firstBreak == nil)
            #expect(report.rows == Int64(f.events.count))
            #expect(report.headHash == f.events.last!.hash)
            // The rows read back are exactly the stored events.
            let lines = String(decoding: try bytes(path), as: UTF8.self).split(separator: "\n").dropFirst(format == .csv ? 1 : 0)
            let parsed = lines.map { line in Array(line.utf8).withUnsafeBufferPointer { AuditRowParser(format: format).parse($0) } }
            #expect(parsed == f.events.map { Optional($0) })
        }
    }

    @Test("filtered exports by session, actor and time verify; they hold only the rows asked for")
    func filtered() async throws {
        let f = try await ReplayFixture.make()
        let ann = f.events.filter { $0.sessionID == f.ann }
        try await withExport(f, AuditSelection(filter: .session, id: f.ann)) { path, _, result throws in
            #expect(result.manifest.rows == Int64(ann.count))
            #expect(try AuditFileVerifier().verify(file: path).firstBreak == nil)
        }
        try await withExport(f, AuditSelection(filter: .actor, id: f.bobActor), format: .csv) { path, _, result throws in
            #expect(result.manifest.rows == Int64(f.events.filter { $0.actorID == f.bobActor }.count))
            #expect(try AuditFileVerifier().verify(file: path).firstBreak == nil)
        }
        let from = f.events[5].recordedAtMicros
        let to = f.events[15].recordedAtMicros
        try await withExport(f, AuditSelection(filter: .scene, id: f.scene, fromMicros: from, toMicros: to)) { path, _, result throws in
            let expected = f.events.filter { (from...to).contains($0.recordedAtMicros) }
            #expect(result.manifest.rows == Int64(expected.count))
            #expect(result.manifest.scenes.first?.firstVersion == expected.first?.version)
            #expect(result.manifest.scenes.first?.chainVerifiedThrough == Int64(f.events.count))
            #expect(try AuditFileVerifier().verify(file: path).firstBreak == nil)
        }
    }

    @Test("a file edited by one byte anywhere fails", arguments: AuditFormat.allCases)
    func oneByte(format: AuditFormat) async throws {
        let f = try await ReplayFixture.make()
        try await withExport(f, AuditSelection(filter: .scene, id: f.scene), format: format) { path, _, _ throws in
            let original = try bytes(path)
            var rng = SplitMix64(seed: 7)
            for _ in 0..<60 {
                var edited = original
                let at = Int(rng.next() % UInt64(original.count))
                edited[at] = edited[at] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
                try write(edited, path)
                let report = try AuditFileVerifier().verify(file: path)
                #expect(report.firstBreak != nil, "an edit at byte \(at) went unnoticed")
            }
        }
    }

    @Test("rows removed, repeated or swapped in the file are found at the right line")
    func fileEdits() async throws {
        let f = try await ReplayFixture.make()
        try await withExport(f, AuditSelection(filter: .scene, id: f.scene)) { path, _, _ throws in
            let lines = try bytes(path).split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
            func verify(_ edited: [[UInt8]]) throws -> AuditBreak? {
                try write(Array(edited.joined(separator: [10])), path)
                return try AuditFileVerifier().verify(file: path).firstBreak
            }
            var removed = lines
            removed.remove(at: 9)
            #expect(try verify(removed).map { [$0.kind.rawValue, "\($0.version!)"] } == ["missing", "11"])
            var repeated = lines
            repeated.insert(lines[4], at: 5)
            #expect(try verify(repeated).map { [$0.kind.rawValue, "\($0.line)"] } == ["reordered", "6"])
            var swapped = lines
            swapped.swapAt(12, 13)
            #expect(try verify(swapped).map { [$0.kind.rawValue, "\($0.line)"] } == ["missing", "13"])
            var truncated = lines
            truncated.removeLast(2)
            #expect(try verify(truncated)?.kind == .missing)
        }
    }

    @Test("a changed manifest, a foreign signature or an unexpected key fails as a bad signature")
    func signatures() async throws {
        let f = try await ReplayFixture.make()
        try await withExport(f, AuditSelection(filter: .scene, id: f.scene)) { path, _, result throws in
            let manifestPath = AuditExporter.manifestPath(for: path)
            let original = try bytes(manifestPath)
            // A forged row count, with the old signature.
            var forged = result.manifest
            forged.rows -= 1
            try write(forged.fileBytes, manifestPath)
            #expect(try AuditFileVerifier().verify(file: path).firstBreak?.kind == .badSignature)
            // Re-signed by another key: valid on its own, but not the key the auditor expects.
            let other = try AuditSigningKey.loadOrCreate(path: NSTemporaryDirectory() + "scenecast-other-\(UUID()).key")
            defer { try? FileManager.default.removeItem(atPath: other.path) }
            forged.publicKey = other.publicKey
            forged.signature = try other.sign(forged.signedBytes)
            try write(forged.fileBytes, manifestPath)
            #expect(try AuditFileVerifier().verify(file: path).firstBreak?.kind == .missing)
            #expect(try AuditFileVerifier(expectedPublicKey: result.manifest.publicKey).verify(file: path).firstBreak?.kind == .badSignature)
            // The original verifies again.
            try write(original, manifestPath)
            #expect(try AuditFileVerifier(expectedPublicKey: result.manifest.publicKey).verify(file: path).isIntact)
        }
    }

    @Test("the signing key is created once with mode 0600 and reused")
    func keyFile() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try AuditSigningKey.loadOrCreate(path: folder + "/a/b/audit.key")
        let again = try AuditSigningKey.loadOrCreate(path: folder + "/a/b/audit.key")
        #expect(first.publicKey == again.publicKey)
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/a/b/audit.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let signature = try first.sign([1, 2, 3])
        #expect(AuditSigningKey.isValid(signature: signature, of: [1, 2, 3], publicKey: first.publicKey))
        #expect(!AuditSigningKey.isValid(signature: signature, of: [1, 2, 4], publicKey: first.publicKey))
    }
}
