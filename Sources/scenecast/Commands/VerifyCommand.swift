import ScenecastTerminal
import ArgumentParser
import Foundation
import SceneLedger

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk a scene's hash chain in the live ledger and report the first broken link."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The scene to verify.") var scene: String

    func run() async throws {
        guard let id = UUID(uuidString: scene) else { throw CLIError("\"\(scene)\" is not a scene id (a UUID).") }
        let session = try await database.open(logger: global.makeLogger())
        let report: ChainReport
        do {
            guard try await session.store.scene(id) != nil else { throw CLIError("Scene \(scene) does not exist.") }
            report = try await session.store.verify(scene: id)
        } catch {
            await session.close()
            throw error
        }
        await session.close()
        if let broken = report.firstBreak {
            Terminal.line("BROKEN at version \(broken.version): \(broken.description); \(report.checked) events verified before it")
            throw ExitCode(2)
        }
        Terminal.line("ok: \(report.checked) events verified, head hash \(Hex.encode(report.headHash))")
    }
}
