package import Logging

/// A private PostgreSQL server run from the installed server programs.
///
/// When no `--database URL` is given, Scenecast keeps its ledger in a cluster of its own
/// under a data directory (`.scenecast` by default): `<dir>/pgdata` holds the cluster,
/// `<dir>/postgres.log` the server's log, and the server listens only on a unix socket
/// in a private directory, never on TCP.
///
/// `start()` creates the cluster on first use, starts the server and creates the
/// `scenecast` database; when a server already runs on the cluster (a `scenecast serve`
/// next door), it connects to that one and leaves it running.
package struct EmbeddedPostgres: Sendable {
    /// The superuser `initdb` creates and the tools connect as.
    package static let superuser = "scenecast"
    /// The database the ledger lives in.
    package static let databaseName = "scenecast"

    /// The absolute data directory.
    package let dataDirectory: String
    /// Where the server programs are; nil to discover them.
    package let binDirectory: String?
    /// The port number; it only names the socket file in the private socket directory.
    package let port: Int
    package let logger: Logger

    package init(dataDirectory: String = ".scenecast", binDirectory: String? = nil, port: Int = 5432, logger: Logger) {
        self.dataDirectory = Self.absolutePath(dataDirectory)
        self.binDirectory = binDirectory
        self.port = port
        self.logger = logger
    }

    /// The cluster directory, `<dir>/pgdata`.
    package var clusterDirectory: String { "\(dataDirectory)/pgdata" }
    /// The server's log file, `<dir>/postgres.log`.
    package var logFile: String { "\(dataDirectory)/postgres.log" }
    /// The directory of the server's socket.
    package var socketDirectory: String { Self.socketDirectory(forDataDirectory: dataDirectory, port: port) }

    /// Makes sure a server runs on the cluster and the `scenecast` database exists, and
    /// returns how to connect. The handle owns the server only when this call started it.
    package func start() async throws(LedgerError) -> Handle {
        let binaries = try await Self.locateBinaries(explicit: binDirectory)
        let toolchain = Toolchain(binDirectory: binaries, account: try Account.forServer())
        logger.info(
            "Using the PostgreSQL programs",
            metadata: ["bin": "\(binaries)", "account": "\(toolchain.account?.name ?? "current user")"]
        )

        if let running = try await runningServer(toolchain) {
            logger.info(
                "A PostgreSQL server already runs on this cluster; connecting to it",
                metadata: ["pgdata": "\(clusterDirectory)", "socket": "\(running.socketDirectory)"]
            )
            return running
        }

        try prepareDirectories(account: toolchain.account)
        if !isInitialized {
            try await initializeCluster(toolchain)
        }
        try writeConfiguration(account: toolchain.account)

        logger.info("Starting PostgreSQL", metadata: ["pgdata": "\(clusterDirectory)", "log": "\(logFile)"])
        let result = try await toolchain.runServerProgram(
            "pg_ctl",
            ["start", "-D", clusterDirectory, "-l", logFile, "-w", "-t", "60"],
            in: dataDirectory
        )
        guard result.succeeded else {
            // Another scenecast may have started the server a moment earlier.
            if let running = try await runningServer(toolchain) {
                return running
            }
            throw startFailure("PostgreSQL could not be started", result)
        }

        let handle = makeHandle(toolchain, socketDirectory: socketDirectory, port: port, ownsServer: true)
        do {
            try await createDatabase(toolchain, socketDirectory: socketDirectory, port: port)
        } catch {
            try? await handle.stop()
            throw error
        }
        logger.info("PostgreSQL is ready", metadata: ["socket": "\(socketDirectory)"])
        return handle
    }

    /// Stops a server running on this cluster, whoever started it (`pg_ctl stop`, fast
    /// mode: open sessions are ended, committed work is kept). Does nothing when none runs.
    package func stopServer() async throws(LedgerError) {
        let binaries = try await Self.locateBinaries(explicit: binDirectory)
        let toolchain = Toolchain(binDirectory: binaries, account: try Account.forServer())
        try await stop(toolchain)
    }

    func stop(_ toolchain: Toolchain) async throws(LedgerError) {
        guard let pidFile = PidFile.read(clusterDirectory: clusterDirectory) else {
            logger.info("PostgreSQL is not running", metadata: ["pgdata": "\(clusterDirectory)"])
            return
        }
        logger.info("Stopping PostgreSQL", metadata: ["pgdata": "\(clusterDirectory)"])
        let result = try await toolchain.runServerProgram(
            "pg_ctl",
            ["stop", "-D", clusterDirectory, "-m", "fast", "-w", "-t", "60"],
            in: dataDirectory
        )
        guard result.succeeded else {
            // pg_ctl fails when the pid file was stale; then there is nothing to stop.
            if status() != .stopped {
                throw startFailure("PostgreSQL could not be stopped", result)
            }
            return
        }
        // pg_ctl returns once the pid file is gone; the postmaster may still be exiting.
        // Wait for it, so that a start right after this finds no live owner of the old pid.
        for _ in 0..<200 where Self.processExists(pidFile.pid) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        logger.info("PostgreSQL stopped", metadata: ["pgdata": "\(clusterDirectory)"])
    }

    /// A handle on the server already running on this cluster, if one answers. Waits
    /// while it is still starting up.
    private func runningServer(_ toolchain: Toolchain) async throws(LedgerError) -> Handle? {
        guard let pidFile = PidFile.read(clusterDirectory: clusterDirectory), !pidFile.socketDirectory.isEmpty else {
            return nil
        }
        let arguments = ["-q", "-h", pidFile.socketDirectory, "-p", "\(pidFile.port)", "-t", "2"]
        for _ in 0..<120 {
            let result = try await toolchain.runClientProgram("pg_isready", arguments)
            switch result.status {
            case 0:
                try await createDatabase(toolchain, socketDirectory: pidFile.socketDirectory, port: pidFile.port)
                return makeHandle(
                    toolchain,
                    socketDirectory: pidFile.socketDirectory,
                    port: pidFile.port,
                    ownsServer: false
                )
            case 1:
                // Rejecting connections: starting up or shutting down. Ask again shortly.
                try? await Task.sleep(for: .milliseconds(250))
            default:
                // No answer: the pid file is stale (pg_ctl deals with it) or the server is gone.
                return nil
            }
        }
        return nil
    }

    /// Creates the `scenecast` database unless it exists.
    private func createDatabase(_ toolchain: Toolchain, socketDirectory: String, port: Int) async throws(LedgerError) {
        let result = try await toolchain.runClientProgram(
            "createdb",
            ["-h", socketDirectory, "-p", "\(port)", "-U", Self.superuser, Self.databaseName]
        )
        if result.succeeded {
            logger.info("Created the database", metadata: ["database": "\(Self.databaseName)"])
        } else if !result.diagnostics.contains("already exists") {
            throw LedgerError(
                .embeddedServer,
                "The database \(Self.databaseName) could not be created:\n\(Self.lastLines(result.diagnostics))"
            )
        }
    }

    private func makeHandle(_ toolchain: Toolchain, socketDirectory: String, port: Int, ownsServer: Bool) -> Handle {
        Handle(server: self, toolchain: toolchain, socketDirectory: socketDirectory, port: port, ownsServer: ownsServer)
    }

    /// An error whose message ends with the server log's last lines, or the command's
    /// own output when the log says nothing.
    private func startFailure(_ what: String, _ result: CommandResult) -> LedgerError {
        var message = "\(what) (\(clusterDirectory))."
        if let log = Self.tail(ofFile: logFile) {
            message += " Last lines of \(logFile):\n\(log)"
        }
        let output = result.diagnostics
        if !output.isEmpty {
            message += "\npg_ctl said:\n\(Self.lastLines(output))"
        }
        return LedgerError(.embeddedServer, message)
    }
}
