import ScenecastFixtures
import ScenecastTerminal
import ArgumentParser
import Foundation
import SceneLedger

struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a person (GDPR): delete their identity and record a PII-free actor.erased event.",
        discussion: """
            The name, email and IP in `actors` are deleted; every scene the actor appears in gets an \
            `actor.erased` event carrying only the pseudonymous actor id. No event is changed, so every \
            chain keeps verifying. Scenes hosted by a running server must be stopped first (their lease is held).
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "The pseudonymous actor id to erase.") var actor: String

    func run() async throws {
        guard let id = UUID(uuidString: actor) else { throw CLIError("\"\(actor)\" is not an actor id (a UUID).") }
        let db = try await database.open(logger: global.makeLogger())
        let eraser = ActorEraser(store: db.store, conninfo: db.conninfo, operatorActor: SceneSeeder.systemActor, logger: global.makeLogger())
        let outcome = await Self.erase(eraser, actor: id)
        await db.close()
        let result = try outcome.get()
        for (scene, version) in result.events.sorted(by: { $0.key.precedes($1.key) }) {
            Terminal.line("scene \(scene.uuidString.lowercased()): actor.erased recorded at version \(version)")
        }
        Terminal.line(
            "erased actor \(id.uuidString.lowercased()): identity \(result.hadIdentity ? "deleted" : "was not stored"), \(result.events.count) scenes marked; exports and replays now show actor-\(id.uuidString.lowercased())"
        )
    }

    static func erase(_ eraser: ActorEraser, actor id: UUID) async -> Result<ActorEraser.Result, CLIError> {
        do {
            return .success(try await eraser.erase(actor: id, holder: "erase-\(ProcessInfo.processInfo.processIdentifier)"))
        } catch {
            switch error.code {
            case .notFound: return .failure(CLIError("Actor \(id.uuidString.lowercased()) is unknown: no event, session or identity names it."))
            case .fenced:
                return .failure(CLIError("\(error.message); stop the server hosting it (or wait for its lease to expire) and run erase again. Nothing was erased."))
            default: return .failure(CLIError("Erasing actor \(id.uuidString.lowercased()) failed: \(error)."))
            }
        }
    }
}
