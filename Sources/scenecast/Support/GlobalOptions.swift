import ArgumentParser
import Logging

/// Options every subcommand takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "notice"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level takes trace, debug, info, notice, warning, error or critical.")
        }
    }

    func makeLogger(_ label: String = "scenecast") -> Logger {
        LoggingSetup.bootstrapOnce(level: Logger.Level(rawValue: logLevel) ?? .notice)
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
