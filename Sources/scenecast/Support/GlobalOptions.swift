import ArgumentParser
import Logging

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .notice

    func makeLogger(_ label: String = "scenecast") -> Logger {
        LoggingSetup.bootstrapOnce(level: logLevel)
        return Logger(label: label)
    }
}

extension LoggingSetup {
    nonisolated(unsafe) private static var done = false  // only touched from the main command's start
    static func bootstrapOnce(level: Logger.Level) {
        if done { return }
        done = true
        bootstrap(level: level)
    }
}
