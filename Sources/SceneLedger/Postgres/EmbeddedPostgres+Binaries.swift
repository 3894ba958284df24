import Foundation

/// Finding the installed PostgreSQL server programs.
extension EmbeddedPostgres {
    /// The programs of one PostgreSQL installation and the account they run as.
    package struct Toolchain: Sendable {
        /// The directory holding `initdb`, `pg_ctl` and `postgres`.
        package let binDirectory: String
        /// The account that runs the server programs, nil to run them as the caller.
        package let account: Account?

        package init(binDirectory: String, account: Account?) {
            self.binDirectory = binDirectory
            self.account = account
        }

        /// The path of a program of this installation. Client programs (`createdb`,
        /// `pg_isready`, `psql`) are taken from `PATH` when the server's directory lacks them.
        package func program(_ name: String) throws(LedgerError) -> String {
            let local = "\(binDirectory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: local) { return local }
            if let found = EmbeddedPostgres.searchPath(for: name) { return found }
            throw LedgerError(
                .embeddedServer,
                "The PostgreSQL program \(name) was not found in \(binDirectory) or on PATH; "
                    + "install it with `apt-get install postgresql-client` or pass --database URL."
            )
        }

        /// Runs a server program (`initdb`, `pg_ctl`) as the server's account.
        func runServerProgram(_ name: String, _ arguments: [String], in directory: String) async throws(LedgerError)
            -> CommandResult
        {
            try await EmbeddedPostgres.runCommand(program(name), arguments, as: account, in: directory)
        }

        /// Runs a client program (`createdb`, `pg_isready`) as the caller; it only talks
        /// to the server through the socket.
        func runClientProgram(_ name: String, _ arguments: [String]) async throws(LedgerError) -> CommandResult {
            try await EmbeddedPostgres.runCommand(program(name), arguments)
        }
    }

    /// The sentence shown when no usable installation is found.
    static func missingBinariesMessage(in directory: String?) -> String {
        let place = directory.map { " in \($0)" } ?? ""
        return "PostgreSQL server binaries (initdb, pg_ctl) were not found\(place); "
            + "install them with `apt-get install postgresql` or pass --database URL."
    }

    /// Whether `directory` holds the server programs this manager runs.
    static func holdsServerPrograms(_ directory: String) -> Bool {
        let files = FileManager.default
        return ["initdb", "pg_ctl"].allSatisfy { files.isExecutableFile(atPath: "\(directory)/\($0)") }
    }

    /// Finds the directory of the server programs: the explicit one when given (and only
    /// that), else `$SCENECAST_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin`, else
    /// `pg_config --bindir`, else the first `PATH` directory holding them.
    package static func locateBinaries(
        explicit: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        versionsRoot: String = "/usr/lib/postgresql"
    ) async throws(LedgerError) -> String {
        if let explicit {
            guard holdsServerPrograms(explicit) else {
                throw LedgerError(.embeddedServer, missingBinariesMessage(in: explicit))
            }
            return explicit
        }
        if let configured = environment["SCENECAST_PG_BIN"], !configured.isEmpty {
            guard holdsServerPrograms(configured) else {
                throw LedgerError(.embeddedServer, missingBinariesMessage(in: "\(configured) (SCENECAST_PG_BIN)"))
            }
            return configured
        }
        for version in installedVersions(under: versionsRoot) {
            let candidate = "\(versionsRoot)/\(version)/bin"
            if holdsServerPrograms(candidate) { return candidate }
        }
        if let pgConfig = searchPath(for: "pg_config"),
            let result = try? await runCommand(pgConfig, ["--bindir"]), result.succeeded
        {
            let candidate = result.output.trimmingTrailingWhitespace()
            if !candidate.isEmpty, holdsServerPrograms(candidate) { return candidate }
        }
        let path = environment["PATH"] ?? ""
        for directory in path.split(separator: ":").map(String.init) where !directory.isEmpty {
            if holdsServerPrograms(directory) { return directory }
        }
        throw LedgerError(.embeddedServer, missingBinariesMessage(in: nil))
    }

    /// The version directories under `root` (such as `15`, `16`, `9.6`), newest first.
    package static func installedVersions(under root: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        let versions = entries.compactMap { name -> (String, [Int])? in
            let parts = name.split(separator: ".").map { Int($0) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
            return (name, parts.compactMap { $0 })
        }
        return versions.sorted { $0.1.lexicographicallyPrecedes($1.1) }.reversed().map(\.0)
    }
}
