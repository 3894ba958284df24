import ArgumentParser
import Foundation
import ScenecastBench
import ScenecastTerminal

/// `scenecast bench fanout`.
struct FanoutBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fanout",
        abstract: "Ack latency, lost commands and server CPU with many participants moving their cameras on one scene.",
        discussion: """
            Starts scenecast serve --demo 100 on a free loopback port and joins --participants observers (no video)
            and one driver to the demo scene over /signal. Each observer sends 10 camera:orbit a second and the
            driver 10 device:drag a second for --duration seconds. A command without an ack within 5 s is lost.
            Each of --runs runs has its own server; the figures are their medians.
            Final line: fanout: <N> participants, ack p50 <A> ms, p99 <B> ms, lost <L> of <S>, errors <E>, closed <C>,
            received <M> msg/s, server CPU <P>% (<Q>% of <K> cores)
            """
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Observers, besides the driver.") var participants: Int = 200
    @Option(help: "Seconds of sending per run.") var duration: Int = 30
    @Option(help: "Independent runs, each with a fresh server (the median of each figure is reported).") var runs: Int = 3

    func validate() throws {
        guard (1...2_000).contains(participants) else { throw ValidationError("--participants takes 1 to 2000.") }
        guard (1...3_600).contains(duration) else { throw ValidationError("--duration takes 1 to 3600 seconds.") }
        guard (1...20).contains(runs) else { throw ValidationError("--runs takes 1 to 20.") }
    }

    func run() async throws {
        let logger = global.makeLogger("scenecast.bench")
        let session = try await database.open(logger: logger)
        do {
            let line = try await FanoutBench(
                conninfo: session.conninfo, participants: participants, duration: duration, runs: runs, rate: 10
            ).run()
            await session.close()
            Terminal.line(line)
        } catch {
            await session.close()
            throw error
        }
    }
}
