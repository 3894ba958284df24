import Dispatch
import Foundation

/// Verifies an audit export offline, with no database: the manifest's signature, every
/// row's hash and chain link, and the manifest's counts, hashes and file digest.
package struct AuditFileVerifier: Sendable {
    package struct Report: Sendable, Equatable {
        package var rows: Int64
        package var headHash: [UInt8]?
        package var publicKey: [UInt8]
        package var firstBreak: AuditBreak?
        package var isIntact: Bool { firstBreak == nil }
    }

    /// When set, the manifest must be signed by this key (`scenecast audit key` prints it).
    package var expectedPublicKey: [UInt8]?

    package init(expectedPublicKey: [UInt8]? = nil) {
        self.expectedPublicKey = expectedPublicKey
    }

    /// `verify(file:)` on a dispatch thread of its own, keeping its blocking file reads off
    /// the cooperative pool.
    package func verifyOffPool(file path: String, progress: @escaping @Sendable (Int64) -> Void = { _ in })
        async throws(LedgerError) -> Report
    {
        let result: Result<Report, LedgerError> = await withCheckedContinuation { continuation in
            DispatchQueue(label: "audit-verify").async {
                continuation.resume(returning: Result { () throws(LedgerError) in try self.verify(file: path, progress: progress) })
            }
        }
        return try result.get()
    }

    package func verify(file path: String, manifestPath: String? = nil, progress: (Int64) -> Void = { _ in })
        throws(LedgerError) -> Report
    {
        let manifestFile = manifestPath ?? AuditExporter.manifestPath(for: path)
        guard let manifestBytes = FileManager.default.contents(atPath: manifestFile) else {
            throw LedgerError(.notFound, "The manifest \(manifestFile) is missing; it is written beside the export")
        }
        let manifest = try AuditManifest(bytes: Array(manifestBytes))
        var report = Report(rows: 0, headHash: nil, publicKey: manifest.publicKey, firstBreak: nil)
        func broken(_ kind: AuditBreak.Kind, _ message: String) -> Report {
            var r = report
            r.firstBreak = AuditBreak(kind: kind, line: 0, message: message)
            return r
        }
        guard AuditSigningKey.isValid(signature: manifest.signature, of: manifest.signedBytes, publicKey: manifest.publicKey) else {
            return broken(.badSignature, "the manifest's signature does not match its contents and public key")
        }
        if let expectedPublicKey, expectedPublicKey != manifest.publicKey {
            return broken(.badSignature, "the manifest is signed by key \(Hex.encode(manifest.publicKey)), not the expected \(Hex.encode(expectedPublicKey))")
        }

        let reader = try AuditFileReader(path: path)
        let parser = AuditRowParser(format: manifest.fileFormat)
        var checker = AuditChainChecker(contiguous: manifest.contiguous, anchors: manifest.anchors)
        var line: Int64 = 0
        var firstBreak: AuditBreak?
        let header = manifest.fileFormat.preamble.dropLast()
        let workers = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        try reader.forEachBatch { buffer, ranges in
            // Parse and hash the batch's rows on every core; then check the chain in order.
            let rows = Self.parseAndHash(buffer, ranges, parser: parser, workers: workers, skipFirst: line == 0 && !header.isEmpty)
            for (i, range) in ranges.enumerated() {
                line += 1
                if line == 1, !header.isEmpty {
                    if !UnsafeBufferPointer(rebasing: buffer[range]).elementsEqual(header) {
                        firstBreak = AuditBreak(kind: .malformed, line: line, message: "the CSV header was changed")
                        return false
                    }
                    continue
                }
                guard let (event, hashMatches) = rows[i] else {
                    firstBreak = AuditBreak(kind: .malformed, line: line, message: "the row does not parse as an export row: it was changed")
                    return false
                }
                if let b = checker.check(event, line: line, hashMatches: hashMatches) {
                    firstBreak = b
                    return false
                }
            }
            progress(checker.rows)
            return true
        }
        report.rows = checker.rows
        report.headHash = checker.lastHash
        if let firstBreak {
            report.firstBreak = firstBreak
            return report
        }
        progress(checker.rows)
        // Rows removed at the end, or between the rows of a filtered export, show here.
        if checker.rows != manifest.rows {
            return broken(.missing, "the file has \(checker.rows) rows but the signed manifest says \(manifest.rows): rows were removed or added")
        }
        if checker.firstHash != manifest.firstHash || checker.lastHash != manifest.lastHash {
            return broken(.manifestMismatch, "the first or last hash differs from the signed manifest's")
        }
        for entry in manifest.scenes {
            guard checker.rows(of: entry.scene) == entry.rows, checker.headHash(of: entry.scene) == entry.lastHash,
                checker.lastVersion(of: entry.scene) == entry.lastVersion
            else {
                return broken(.missing, "scene \(entry.scene.lowercasedString) does not have the \(entry.rows) rows ending at version \(entry.lastVersion) that the manifest signs")
            }
        }
        let digest = try reader.finishDigest()
        if digest != manifest.fileSHA256 {
            return broken(.manifestMismatch, "the file's SHA-256 differs from the signed manifest's: the file was changed after export")
        }
        if let entry = manifest.scenes.first(where: { $0.chainBreak != nil }) {
            return broken(.chainBrokenAtExport, "when exported, the chain of scene \(entry.scene.lowercasedString) was already broken: \(entry.chainBreak!)")
        }
        return report
    }

    /// Parses each line and compares its recomputed hash, splitting the lines among
    /// `workers` threads (dispatch's, not the cooperative pool's). Nil marks a line that
    /// does not parse.
    static func parseAndHash(
        _ buffer: UnsafeBufferPointer<UInt8>, _ ranges: [Range<Int>], parser: AuditRowParser, workers: Int, skipFirst: Bool
    ) -> [(RecordedEvent, Bool)?] {
        var results = [(RecordedEvent, Bool)?](repeating: nil, count: ranges.count)
        results.withUnsafeMutableBufferPointer { out in
            let shared = Shared(input: buffer, output: out)
            let slice = (ranges.count + workers - 1) / workers
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for i in (w * slice)..<min(ranges.count, (w + 1) * slice) where !(skipFirst && i == 0) {
                    guard let event = parser.parse(UnsafeBufferPointer(rebasing: shared.input[ranges[i]])) else { continue }
                    shared.output[i] = (event, event.computedHash == event.hash)
                }
            }
        }
        return results
    }

    /// The batch's bytes and result slots, shared by the workers.
    ///
    /// `@unchecked Sendable`: the input is only read; each worker writes only the output
    /// indices of its own slice; `concurrentPerform` returns after every worker is done,
    /// and the buffers outlive it.
    struct Shared: @unchecked Sendable {
        let input: UnsafeBufferPointer<UInt8>
        let output: UnsafeMutableBufferPointer<(RecordedEvent, Bool)?>
    }
}
