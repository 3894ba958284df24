import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Creating the directories, the cluster and its configuration.
extension EmbeddedPostgres {
    /// The directory for the server's socket: `<data>/run` when the socket path fits
    /// comfortably in `sun_path` (under 100 bytes), else a short private directory in
    /// `/tmp` named after a hash of the absolute data directory.
    package static func socketDirectory(forDataDirectory dataDirectory: String, port: Int) -> String {
        let local = "\(dataDirectory)/run"
        if socketPath(directory: local, port: port).utf8.count < 100 {
            return local
        }
        return "/tmp/scenecast-\(shortHash(dataDirectory))"
    }

    /// Eight hex digits of the 64-bit FNV-1a hash of `text`, folded to 32 bits.
    package static func shortHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let folded = UInt32(truncatingIfNeeded: hash ^ (hash >> 32))
        let hex = String(folded, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// `path` made absolute against the current directory, without `.` and `..`.
    package static func absolutePath(_ path: String) -> String {
        let base = FileManager.default.currentDirectoryPath
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: base).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }

    /// Creates the data and socket directories (mode 0700) and hands them to the server's
    /// account. The directories above the data directory are never changed; when that
    /// account cannot pass through them, this fails with a sentence saying so.
    func prepareDirectories(account: Account?) throws(LedgerError) {
        try account?.checkTraversable(dataDirectory: dataDirectory)
        try makePrivateDirectory(dataDirectory, account: account, mustBeOwned: false)
        try makePrivateDirectory(socketDirectory, account: account, mustBeOwned: !socketDirectory.hasPrefix(dataDirectory))
    }

    /// Creates `path` with mode 0700 (its missing parents with the default mode), or
    /// adopts the existing directory. A directory in a shared place (`/tmp`) that belongs
    /// to someone else is refused rather than taken over.
    private func makePrivateDirectory(_ path: String, account: Account?, mustBeOwned: Bool) throws(LedgerError) {
        let files = FileManager.default
        let owner = account?.uid ?? geteuid()
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw LedgerError(.embeddedServer, "\(path) exists and is not a directory; remove it or pass --data-dir.")
            }
            if mustBeOwned, info.st_uid != owner {
                throw LedgerError(
                    .embeddedServer,
                    "The socket directory \(path) belongs to another user; remove it or pass a shorter --data-dir."
                )
            }
        } else {
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            do {
                try files.createDirectory(atPath: parent, withIntermediateDirectories: true)
            } catch {
                throw LedgerError(.embeddedServer, "Could not create the directory \(parent).", underlying: error)
            }
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
                let reason = String(cString: strerror(errno))
                throw LedgerError(.embeddedServer, "Could not create the directory \(path): \(reason).")
            }
        }
        if let account {
            var current = stat()
            if lstat(path, &current) != 0 || current.st_uid != account.uid || current.st_gid != account.gid {
                try account.take(path)
            }
        }
    }

    /// Whether `initdb` has already created the cluster.
    var isInitialized: Bool {
        FileManager.default.fileExists(atPath: "\(clusterDirectory)/PG_VERSION")
    }

    /// Creates the cluster: superuser `scenecast`, trust authentication (the socket is
    /// private to the account), UTF-8 and the C locale.
    func initializeCluster(_ toolchain: Toolchain) async throws(LedgerError) {
        logger.info("Creating the PostgreSQL cluster", metadata: ["pgdata": "\(clusterDirectory)"])
        let result = try await toolchain.runServerProgram(
            "initdb",
            ["-D", clusterDirectory, "-U", Self.superuser, "--auth=trust", "-E", "UTF8", "--no-locale"],
            in: dataDirectory
        )
        guard result.succeeded else {
            throw LedgerError(
                .embeddedServer,
                "initdb could not create the PostgreSQL cluster in \(clusterDirectory):\n"
                    + Self.lastLines(result.diagnostics)
            )
        }
    }

    /// The settings this manager owns, rewritten on every start so that a moved data
    /// directory gets its new socket directory.
    func configurationText() -> String {
        """
        # Written by scenecast on every start of the embedded server; edits are lost.
        # Only a private unix socket: no TCP at all.
        listen_addresses = ''
        unix_socket_directories = '\(socketDirectory.replacingOccurrences(of: "'", with: "''"))'
        unix_socket_permissions = 0700
        port = \(port)

        # Sized for a 2-core machine with 24 GiB of memory.
        max_connections = 100
        shared_buffers = 256MB
        effective_cache_size = 8GB
        work_mem = 8MB
        maintenance_work_mem = 256MB
        max_worker_processes = 4
        max_parallel_workers = 2
        max_parallel_workers_per_gather = 1
        random_page_cost = 1.1

        # Durable commits; concurrent commits share one WAL flush (group commit).
        fsync = on
        synchronous_commit = on
        full_page_writes = on
        wal_level = replica
        wal_buffers = 16MB
        wal_compression = lz4
        wal_writer_delay = 10ms
        commit_delay = 0
        min_wal_size = 256MB
        max_wal_size = 8GB
        checkpoint_timeout = 30min
        checkpoint_completion_target = 0.9

        # Logging into postgres.log (pg_ctl -l).
        logging_collector = off
        log_line_prefix = '%m [%p] '
        log_min_duration_statement = 1000
        log_checkpoints = off
        """
    }

    /// Writes `scenecast.conf` into the cluster and includes it from `postgresql.conf`.
    func writeConfiguration(account: Account?) throws(LedgerError) {
        let includeLine = "include_if_exists = 'scenecast.conf'"
        let settingsPath = "\(clusterDirectory)/scenecast.conf"
        let mainPath = "\(clusterDirectory)/postgresql.conf"
        do {
            try Data(configurationText().utf8).write(to: URL(fileURLWithPath: settingsPath))
            let main = Self.readText(mainPath)
            if !main.contains(includeLine) {
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: mainPath))
                defer { try? handle.close() }
                try handle.seekToEnd()
                try handle.write(contentsOf: Data("\n# scenecast settings\n\(includeLine)\n".utf8))
            }
        } catch {
            throw LedgerError(
                .embeddedServer,
                "Could not write the PostgreSQL configuration in \(clusterDirectory).",
                underlying: error
            )
        }
        try account?.take(settingsPath)
    }

    /// The last `count` lines of `text`.
    static func lastLines(_ text: String, count: Int = 10) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        if lines.isEmpty { return "(no output)" }
        return lines.suffix(count).joined(separator: "\n")
    }
}
