import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Running the PostgreSQL programs as child processes.
///
/// Foundation's `Process` is not used: it learns of a child's exit through a descriptor
/// the child inherits, and `pg_ctl start` hands that descriptor on to the server it
/// daemonizes, so the exit of `pg_ctl` would only be noticed when the server stops.
/// Here the child is spawned with `posix_spawn`, every descriptor above 2 closed, its
/// output sent to temporary files (nothing can fill a pipe and stall it), and its exit
/// awaited with `waitpid` on a dedicated thread, never on the cooperative pool.
extension EmbeddedPostgres {
    /// What a finished command left behind.
    package struct CommandResult: Sendable {
        /// The exit status, or 128 plus the signal number when a signal ended it.
        package var status: Int32
        package var output: String
        package var errorOutput: String

        package var succeeded: Bool { status == 0 }

        /// Standard error, then standard output, trimmed: what to show a person.
        package var diagnostics: String {
            [errorOutput, output]
                .map { $0.trimmingTrailingWhitespace() }
                .filter { !$0.isEmpty }
                .joined(separator: "\n")
        }
    }

    /// Runs `executable` with `arguments`, as `account` when one is given (the caller is
    /// root and the program must not be), in `directory` when one is given, and returns
    /// its status and output.
    ///
    /// Throws only when the program could not be launched at all; a non-zero exit status
    /// is returned for the caller to judge.
    package static func runCommand(
        _ executable: String,
        _ arguments: [String],
        as account: Account? = nil,
        in directory: String? = nil
    ) async throws(LedgerError) -> CommandResult {
        var launchPath = executable
        var launchArguments = arguments
        if let account {
            (launchPath, launchArguments) = try account.wrap(executable, arguments)
        }
        let commandLine = ([executable] + arguments).joined(separator: " ")

        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("scenecast-cmd-\(UUID().uuidString)").path
        let outputPath = scratch + ".out"
        let errorPath = scratch + ".err"
        defer {
            unlink(outputPath)
            unlink(errorPath)
        }
        let outputFD = open(outputPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        let errorFD = open(errorPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        defer {
            if outputFD >= 0 { close(outputFD) }
            if errorFD >= 0 { close(errorFD) }
        }
        guard outputFD >= 0, errorFD >= 0 else {
            throw LedgerError(
                .embeddedServer,
                "Could not run \(commandLine).",
                underlying: CErrorMessage("cannot create \(scratch).out/.err: \(String(cString: strerror(errno)))")
            )
        }

        let pid: pid_t
        do {
            pid = try ChildProcess.spawn(
                launchPath,
                launchArguments,
                environment: childEnvironment(),
                directory: directory,
                output: outputFD,
                error: errorFD
            )
        } catch {
            throw LedgerError(.embeddedServer, "Could not run \(commandLine).", underlying: error)
        }
        let status = await ChildProcess.waitForExit(pid)
        return CommandResult(status: status, output: readText(outputPath), errorOutput: readText(errorPath))
    }

    /// The caller's environment without libpq's `PG*` variables (which would redirect the
    /// tools to another server or cluster) and with the C locale, so messages are stable.
    static func childEnvironment() -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["LC_ALL"] = "C"
        environment["LANG"] = "C"
        return environment
    }

    static func readText(_ path: String) -> String {
        guard let data = FileManager.default.contents(atPath: path) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The last `count` non-empty lines of a text file, or nil when it cannot be read.
    static func tail(ofFile path: String, lines count: Int = 10) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let lines = readText(path).split(separator: "\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { return nil }
        return lines.suffix(count).joined(separator: "\n")
    }

    /// The absolute path of `name` in one of the `PATH` directories, if any.
    static func searchPath(for name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}
