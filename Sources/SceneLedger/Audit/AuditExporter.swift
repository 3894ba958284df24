import Foundation

/// Streams selected events from the ledger into an audit file and writes its signed
/// manifest beside it (`FILE.manifest.json`).
///
/// Pages of 20,000 rows are read while the previous page is encoded and written. Every
/// scene the export touches has its whole chain checked against the database (for a
/// scene export, on the fly), and the result goes into the signed manifest: this is
/// what proves the gaps of a filtered export (docs/audit.md).
package struct AuditExporter: Sendable {
    package let store: LedgerStore
    package let key: AuditSigningKey
    package var pageSize = 20_000

    package init(store: LedgerStore, key: AuditSigningKey) {
        self.store = store
        self.key = key
    }

    package struct Result: Sendable {
        package var manifest: AuditManifest
        package var manifestPath: String
        /// The first break found in any touched scene's chain, if any.
        package var chainBreaks: [String]
    }

    package static func manifestPath(for file: String) -> String { file + ".manifest.json" }

    package func export(
        _ selection: AuditSelection, format: AuditFormat, to path: String,
        progress: @Sendable (Int64) -> Void = { _ in }
    ) async throws(LedgerError) -> Result {
        let writer = try AuditFileWriter(path: path)
        try await writer.append(format.preamble)
        var scenes: [UUID: AuditManifest.SceneEntry] = [:]
        var order: [UUID] = []
        var sceneCheck: AuditChainChecker?
        var sceneBreak: AuditBreak?
        var rows: Int64 = 0
        var firstHash: [UInt8]?
        var lastHash: [UInt8]?
        var cursor: Int64 = 0
        let store = self.store
        let pageSize = self.pageSize
        var page = try await store.auditPage(selection, after: cursor, limit: pageSize)
        while !page.isEmpty {
            let more = page.count == pageSize
            cursor = selection.filter == .scene ? page.last!.version : page.last!.position
            // Read the next page while this one is written.
            let next: Task<[RecordedEvent], any Error>? =
                more ? Task { [cursor] in try await store.auditPage(selection, after: cursor, limit: pageSize) } : nil
            for event in page {
                if selection.filter == .scene, sceneBreak == nil {
                    if sceneCheck == nil {
                        sceneCheck = AuditChainChecker(
                            contiguous: true,
                            anchors: [event.sceneID: .init(firstPrevHash: event.prevHash, firstVersion: event.version)])
                    }
                    sceneBreak = sceneCheck!.check(event, line: rows + 1)
                }
                if scenes[event.sceneID] == nil {
                    order.append(event.sceneID)
                    scenes[event.sceneID] = AuditManifest.SceneEntry(
                        scene: event.sceneID, rows: 0, firstVersion: event.version, lastVersion: event.version,
                        firstPrevHash: event.prevHash, lastHash: event.hash, chainVerifiedThrough: 0, chainHeadHash: [])
                }
                scenes[event.sceneID]!.rows += 1
                scenes[event.sceneID]!.lastVersion = event.version
                scenes[event.sceneID]!.lastHash = event.hash
                writer.withBuffer { format.append(event, to: &$0) }
                if writer.isFull { try await writer.flush() }
                if firstHash == nil { firstHash = event.hash }
                lastHash = event.hash
                rows += 1
            }
            progress(rows)
            guard let next else { break }
            do { page = try await next.value } catch let error as LedgerError { throw error } catch {
                throw LedgerError(.query, "Reading the next page of the export failed", underlying: error)
            }
        }
        let digest = try await writer.finish()

        // The chain behind every scene touched, as the database holds it now.
        var breaks: [String] = []
        for scene in order {
            if selection.filter == .scene, selection.fromMicros == nil, let check = sceneCheck {
                // The export itself walked the chain from version 1.
                scenes[scene]!.chainVerifiedThrough = check.lastVersion(of: scene) ?? 0
                scenes[scene]!.chainHeadHash = check.headHash(of: scene) ?? EventHash.genesis
                scenes[scene]!.chainBreak = sceneBreak?.message
            } else {
                let report = try await store.verify(scene: scene)
                scenes[scene]!.chainVerifiedThrough = report.checked
                scenes[scene]!.chainHeadHash = report.headHash
                scenes[scene]!.chainBreak = report.firstBreak.map { "version \($0.version): \($0.description)" }
                if selection.filter == .scene, let sceneBreak, report.firstBreak == nil {
                    scenes[scene]!.chainBreak = sceneBreak.message
                }
            }
            if let b = scenes[scene]!.chainBreak { breaks.append("scene \(scene.lowercasedString): \(b)") }
        }
        var manifest = AuditManifest(
            file: (path as NSString).lastPathComponent, fileFormat: format, fileSHA256: digest, filter: selection.filter,
            filterID: selection.id, fromMicros: selection.fromMicros, toMicros: selection.toMicros, rows: rows,
            firstHash: firstHash, lastHash: lastHash, scenes: order.map { scenes[$0]! }, exportedAtMicros: WallClock.nowMicros(),
            publicKey: key.publicKey
        )
        manifest.signature = try key.sign(manifest.signedBytes)
        let manifestPath = Self.manifestPath(for: path)
        let manifestWriter = try AuditFileWriter(path: manifestPath)
        try await manifestWriter.append(manifest.fileBytes)
        _ = try await manifestWriter.finish()
        return Result(manifest: manifest, manifestPath: manifestPath, chainBreaks: breaks)
    }
}
