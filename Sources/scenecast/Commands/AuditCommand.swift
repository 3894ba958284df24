import ScenecastTerminal
import ArgumentParser
import Foundation
import SceneLedger

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Signed audit exports of the ledger, and their verification (docs/audit.md).",
        subcommands: [Export.self, Verify.self, Key.self]
    )

    /// Where the Ed25519 signing key lives.
    struct KeyOptions: ParsableArguments {
        @Option(
            name: .customLong("key-file"),
            help: "The Ed25519 signing key file (mode 0600, created on first use). Default: $SCENECAST_AUDIT_KEY, else <data-dir>/audit-signing.key."
        )
        var keyFile: String?

        func path(dataDirectory: String) -> String {
            if let keyFile, !keyFile.isEmpty { return keyFile }
            if let env = ProcessInfo.processInfo.environment["SCENECAST_AUDIT_KEY"], !env.isEmpty { return env }
            return dataDirectory + "/audit-signing.key"
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a scene's, a session's or an actor's events with a signed manifest beside the file.",
            discussion: "Writes FILE and FILE.manifest.json. Exit status 2 when a touched chain is already broken in the database (the file is still written)."
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var key: KeyOptions
        @Option(help: "Export this scene's whole chain.") var scene: String?
        @Option(help: "Export this session's events.") var session: String?
        @Option(help: "Export this actor's events, across scenes.") var actor: String?
        @Option(help: "Only events recorded at or after this ISO-8601 time.") var from: String?
        @Option(help: "Only events recorded at or before this ISO-8601 time.") var to: String?
        @Option(help: "jsonl or csv.") var format: String = "jsonl"
        @Option(help: "The file to write.") var out: String

        func validate() throws {
            guard [scene, session, actor].compactMap({ $0 }).count == 1 else {
                throw ValidationError("Give exactly one of --scene ID, --session ID or --actor ID.")
            }
            guard AuditFormat(rawValue: format) != nil else { throw ValidationError("--format takes jsonl or csv.") }
            for (name, value) in [("--from", from), ("--to", to)] {
                if let value, AuditTime.parseISO(value) == nil {
                    throw ValidationError("\(name) \(value) is not an ISO-8601 time like 2026-11-24T21:03:00Z.")
                }
            }
        }

        func selection() throws -> AuditSelection {
            let (filter, text): (AuditManifest.Filter, String) =
                if let scene { (.scene, scene) } else if let session { (.session, session) } else { (.actor, actor!) }
            guard let id = UUID(uuidString: text) else { throw CLIError("--\(filter.rawValue) \(text) is not an id (a UUID).") }
            return AuditSelection(filter: filter, id: id, fromMicros: from.flatMap(AuditTime.parseISO), toMicros: to.flatMap(AuditTime.parseISO))
        }

        func run() async throws {
            let selection = try selection()
            let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
            guard FileManager.default.isWritableFile(atPath: folder) else {
                throw CLIError("Cannot write \(out): its folder does not exist or is not writable.")
            }
            let signingKey = try AuditSigningKey.loadOrCreate(path: key.path(dataDirectory: database.dataDirectory))
            let db = try await database.open(logger: global.makeLogger())
            let result: AuditExporter.Result
            let progress: ProgressLine
            do {
                let total = try await db.store.auditCount(selection)
                guard total > 0 else {
                    throw CLIError("No events match: \(selection.filter.rawValue) \(selection.id.uuidString.lowercased()) has none in that range.")
                }
                progress = ProgressLine("exporting", total: total)
                result = try await AuditExporter(store: db.store, key: signingKey)
                    .export(selection, format: AuditFormat(rawValue: format)!, to: out) { progress.update($0) }
            } catch {
                await db.close()
                throw error
            }
            await db.close()
            let m = result.manifest
            progress.finish(m.rows)
            Terminal.line(
                "exported \(m.rows) rows of \(m.scenes.count) scene(s) to \(out), manifest \(result.manifestPath), last hash \(m.lastHash.map(Hex.encode) ?? "none")"
            )
            if !result.chainBreaks.isEmpty {
                for b in result.chainBreaks { Terminal.line("BROKEN chain in the database: \(b)") }
                throw ExitCode(2)
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an export offline (no database), or a scene's chain in the live ledger with --scene.",
            discussion: "Prints `ok: N rows verified, head hash H` (exit 0) or `BROKEN ...` naming the first broken link (exit 2)."
        )
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The export file (its manifest is FILE.manifest.json).") var file: String?
        @Option(help: "Verify this scene's chain in the live ledger instead.") var scene: String?
        @Option(name: .customLong("public-key"), help: "Require the manifest to be signed by this key (hex, from `scenecast audit key`).")
        var publicKey: String?

        func validate() throws {
            guard (file == nil) != (scene == nil) else { throw ValidationError("Give either FILE or --scene ID.") }
            if let publicKey, Hex.decode(publicKey)?.count != 32 {
                throw ValidationError("--public-key takes 64 hex digits (the output of `scenecast audit key`).")
            }
        }

        func run() async throws {
            if let scene {
                var live = VerifyCommand()
                live.global = global
                live.database = database
                live.scene = scene
                try await live.run()
                return
            }
            let path = file!
            guard FileManager.default.fileExists(atPath: path) else { throw CLIError("\(path) does not exist.") }
            let verifier = AuditFileVerifier(expectedPublicKey: publicKey.flatMap(Hex.decode))
            let progress = ProgressLine("verifying")
            let report = try await Self.verify(verifier, path: path, progress: progress)
            progress.finish(report.rows)
            if let broken = report.firstBreak {
                Terminal.line("BROKEN \(broken.description); \(report.rows) rows verified before it")
                throw ExitCode(2)
            }
            Terminal.line(
                "ok: \(report.rows) rows verified, head hash \(report.headHash.map(Hex.encode) ?? "none"), signed by \(Hex.encode(report.publicKey))"
            )
        }

        static func verify(_ verifier: AuditFileVerifier, path: String, progress: ProgressLine) async throws -> AuditFileVerifier.Report {
            do {
                return try await verifier.verifyOffPool(file: path) { progress.update($0) }
            } catch {
                throw CLIError("Cannot verify \(path): \(error.message).")
            }
        }
    }

    struct Key: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the audit signing key's public half (hex), creating the key on first use.")
        @OptionGroup var key: KeyOptions
        @Option(name: .customLong("data-dir"), help: "The data folder the key lives in by default.") var dataDirectory: String = ".scenecast"

        func run() throws {
            let path = key.path(dataDirectory: dataDirectory)
            let signingKey: AuditSigningKey
            do { signingKey = try AuditSigningKey.loadOrCreate(path: path) } catch {
                throw CLIError("\(error.message).")
            }
            Terminal.line(Hex.encode(signingKey.publicKey))
        }
    }
}
