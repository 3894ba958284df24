import ScenecastFixtures
import ScenecastTerminal
import ArgumentParser
import Foundation
import SceneLedger

struct ScenesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenes",
        abstract: "List or create scenes.",
        subcommands: [List.self, Create.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the scenes in the ledger.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "Print JSON lines instead of a table.") var json = false

        func run() async throws {
            let session = try await database.open(logger: global.makeLogger())
            let scenes: [SceneSummary]
            do { scenes = try await session.store.listScenes() } catch {
                await session.close()
                throw error
            }
            await session.close()
            if json {
                for s in scenes {
                    let line: JSONValue = [
                        "id": .string(s.id.uuidString.lowercased()), "name": .string(s.name),
                        "version": .number(Double(s.headVersion)),
                    ]
                    Terminal.line(line.canonicalString)
                }
                return
            }
            if scenes.isEmpty {
                Terminal.line("no scenes yet; create one with `scenecast scenes create NAME` or run `scenecast serve --demo 100`")
                return
            }
            Terminal.line("ID                                    VERSION  NAME")
            for s in scenes {
                let version = String(s.headVersion)
                Terminal.line("\(s.id.uuidString.lowercased())  \(String(repeating: " ", count: max(0, 7 - version.count)))\(version)  \(s.name)")
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty scene.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The scene's name.") var name: String
        @Option(help: "Also seed a demo factory with this many devices.") var demo: Int?

        func validate() throws {
            guard !name.isEmpty, name.count <= 200 else { throw ValidationError("A scene name has 1 to 200 characters.") }
            if let demo, !(1...5000).contains(demo) { throw ValidationError("--demo takes 1 to 5000 devices.") }
        }

        func run() async throws {
            let logger = global.makeLogger()
            let session = try await database.open(logger: logger)
            do {
                let id = try await SceneSeeder(store: session.store, conninfo: session.conninfo, logger: logger)
                    .create(name: name, demoDevices: demo ?? 0)
                await session.close()
                Terminal.line(id.uuidString.lowercased())
            } catch {
                await session.close()
                throw error
            }
        }
    }
}
