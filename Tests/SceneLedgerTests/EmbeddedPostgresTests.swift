import Foundation
import Logging
import SceneLedger
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The embedded server, with real `initdb`, `pg_ctl` and `psql` processes.
@Suite struct EmbeddedPostgresTests {
    let logger = Logger(label: "scenecast.test.embedded-postgres")

    // MARK: Lifecycle with a real server

    @Test func startReuseStopAndRestartKeepsData() async throws {
        let root = try makeTemporaryDirectory()
        let server = EmbeddedPostgres(dataDirectory: "\(root)/data", logger: logger)
        try await withCleanup(server, root) {
            let first = try await server.start()
            #expect(first.ownsServer)
            #expect(first.socketDirectory == "\(root)/data/run")
            #expect(first.conninfo == "host=\(root)/data/run port=5432 user=scenecast dbname=scenecast")
            #expect(first.connectionURL.hasPrefix("postgresql://scenecast@%2Ftmp%2F"))
            #expect(first.connectionURL.hasSuffix("%2Fdata%2Frun:5432/scenecast"))
            #expect(FileManager.default.fileExists(atPath: "\(root)/data/run/.s.PGSQL.5432"))
            #expect(FileManager.default.fileExists(atPath: "\(root)/data/postgres.log"))
            if let account = try EmbeddedPostgres.Account.forServer() {
                #expect(owner(of: server.clusterDirectory) == account.uid)
            }

            let ready = try await EmbeddedPostgres.runCommand(
                "\(try binDirectory())/pg_isready", ["-h", first.socketDirectory, "-p", "\(first.port)"])
            #expect(ready.status == 0)
            #expect(try await psql(first, "select 1") == "1")
            #expect(try await psql(first, "show listen_addresses") == "")
            #expect(try await psql(first, "show fsync") == "on")
            #expect(try await psql(first, "show synchronous_commit") == "on")
            #expect(try await psql(first, "show shared_buffers") == "256MB")
            #expect(try await psql(first, "create table kept (x int); insert into kept values (42)") == "CREATE TABLE\nINSERT 0 1")

            guard case .running(_, let socket, let port) = server.status() else {
                Issue.record("status is \(server.status()), expected running")
                return
            }
            #expect(socket == first.socketDirectory && port == first.port)
            #expect(EmbeddedPostgres.isRunning(dataDirectory: "\(root)/data"))

            // A second start finds the running server and does not own it.
            let second = try await server.start()
            #expect(!second.ownsServer)
            #expect(second.conninfo == first.conninfo)
            try await second.stop()
            #expect(EmbeddedPostgres.isRunning(dataDirectory: "\(root)/data"))
            #expect(try await psql(first, "select 2") == "2")

            try await first.stop()
            #expect(!EmbeddedPostgres.isRunning(dataDirectory: "\(root)/data"))
            #expect(server.status() == .stopped)

            // Restart: the table made in the first run is still there.
            let third = try await server.start()
            #expect(third.ownsServer)
            #expect(try await psql(third, "select x from kept") == "42")
            try await third.stop()
            #expect(server.status() == .stopped)
        }
    }

    @Test func stalePidFileIsHandledOnStart() async throws {
        let root = try makeTemporaryDirectory()
        let server = EmbeddedPostgres(dataDirectory: "\(root)/data", logger: logger)
        try await withCleanup(server, root) {
            let first = try await server.start()
            let pidPath = "\(server.clusterDirectory)/postmaster.pid"
            let pidBytes = try #require(FileManager.default.contents(atPath: pidPath))
            let pidFile = try #require(EmbeddedPostgres.PidFile.parse(String(decoding: pidBytes, as: UTF8.self)))
            #expect(pidFile.socketDirectory == first.socketDirectory)
            try await first.stop()
            #expect(!FileManager.default.fileExists(atPath: pidPath))
            #expect(kill(pidFile.pid, 0) == -1 && errno == ESRCH, "stop() returns after the postmaster has exited")

            // Put the dead server's pid file back, as a crash or power loss leaves it.
            try pidBytes.write(to: URL(fileURLWithPath: pidPath))
            if let clusterOwner = owner(of: server.clusterDirectory) {
                _ = chown(pidPath, clusterOwner, gid_t.max)
            }
            #expect(server.status() == .stopped)
            #expect(!EmbeddedPostgres.isRunning(dataDirectory: "\(root)/data"))

            let second = try await server.start()
            #expect(second.ownsServer)
            #expect(try await psql(second, "select 1") == "1")
            try await second.stop()
            #expect(server.status() == .stopped)
        }
    }

    @Test func longDataDirectoryPutsTheSocketInAPrivateTmpDirectory() async throws {
        let root = try makeTemporaryDirectory()
        let deep = "\(root)/" + String(repeating: "nested-directory/", count: 5) + ".scenecast"
        let server = EmbeddedPostgres(dataDirectory: deep, logger: logger)
        #expect(server.socketDirectory == "/tmp/scenecast-\(EmbeddedPostgres.shortHash(deep))")
        try await withCleanup(server, root) {
            let handle = try await server.start()
            #expect(handle.ownsServer)
            #expect(handle.socketDirectory == server.socketDirectory)
            #expect(try await psql(handle, "select current_database()") == "scenecast")

            var info = stat()
            #expect(stat(handle.socketDirectory, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o700)
            #expect(info.st_uid == (try EmbeddedPostgres.Account.forServer()?.uid ?? geteuid()))
            try await handle.stop()
            #expect(!FileManager.default.fileExists(atPath: "\(handle.socketDirectory)/.s.PGSQL.5432"))
        }
    }

    // MARK: Errors

    @Test func missingBinariesFailWithOneClearSentence() async throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let emptyBin = "\(root)/bin"
        try FileManager.default.createDirectory(atPath: emptyBin, withIntermediateDirectories: false)
        let server = EmbeddedPostgres(dataDirectory: "\(root)/data", binDirectory: emptyBin, logger: logger)

        let error = await #expect(throws: LedgerError.self) { try await server.start() }
        #expect(error?.code == .embeddedServer)
        #expect(
            error?.message == "PostgreSQL server binaries (initdb, pg_ctl) were not found in \(emptyBin); "
                + "install them with `apt-get install postgresql` or pass --database URL."
        )
        #expect(!FileManager.default.fileExists(atPath: "\(root)/data"))

        let fromEnvironment = await #expect(throws: LedgerError.self) {
            try await EmbeddedPostgres.locateBinaries(explicit: nil, environment: ["SCENECAST_PG_BIN": emptyBin])
        }
        #expect(fromEnvironment?.message.contains("SCENECAST_PG_BIN") == true)
    }

    @Test func untraversableParentIsRefusedWithoutChangingIt() async throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let closed = "\(root)/closed"
        try FileManager.default.createDirectory(atPath: closed, withIntermediateDirectories: false)
        #expect(chmod(closed, 0o700) == 0)
        let dataDirectory = "\(closed)/project/.scenecast"

        let account = try #require(EmbeddedPostgres.Account.lookup("postgres") ?? EmbeddedPostgres.Account.lookup("nobody"))
        #expect(account.firstUntraversableAncestor(of: dataDirectory) == closed)
        #expect(account.firstUntraversableAncestor(of: "\(root)/open/.scenecast") == nil)
        let error = #expect(throws: LedgerError.self) { try account.checkTraversable(dataDirectory: dataDirectory) }
        #expect(error?.code == .embeddedServer)
        #expect(error?.message.contains("lies inside \(closed),") == true)
        #expect(error?.message.contains("--data-dir") == true)

        if geteuid() == 0 {
            // As root, start() runs the same check before touching anything.
            let server = EmbeddedPostgres(dataDirectory: dataDirectory, logger: logger)
            let startError = await #expect(throws: LedgerError.self) { try await server.start() }
            #expect(startError?.message.contains("lies inside \(closed),") == true)
            #expect(!FileManager.default.fileExists(atPath: "\(closed)/project"))
        }
        var info = stat()
        #expect(stat(closed, &info) == 0 && info.st_mode & 0o777 == 0o700)
    }

    // MARK: Pure pieces

    @Test func socketDirectoryFallsBackToTmpForLongPaths() {
        let short = "/var/lib/scenecast"
        #expect(EmbeddedPostgres.socketDirectory(forDataDirectory: short, port: 5432) == "/var/lib/scenecast/run")

        let long = "/srv/" + String(repeating: "deep/", count: 20) + ".scenecast"
        let fallback = EmbeddedPostgres.socketDirectory(forDataDirectory: long, port: 5432)
        #expect(fallback == "/tmp/scenecast-\(EmbeddedPostgres.shortHash(long))")
        #expect(fallback.count == "/tmp/scenecast-".count + 8)
        #expect(EmbeddedPostgres.shortHash(long) != EmbeddedPostgres.shortHash(long + "2"))
        let emptyHash = EmbeddedPostgres.shortHash("")
        #expect(emptyHash.count == 8 && emptyHash.allSatisfy { $0.isHexDigit })
    }

    @Test func connectionStringsQuoteAndEncode() {
        #expect(EmbeddedPostgres.Handle.quoteConninfoValue("/tmp/run") == "/tmp/run")
        #expect(EmbeddedPostgres.Handle.quoteConninfoValue("/my dir/it's") == #"'/my dir/it\'s'"#)
        #expect(EmbeddedPostgres.Handle.quoteConninfoValue("") == "''")
        #expect(EmbeddedPostgres.Handle.percentEncode("/tmp/a b~é") == "%2Ftmp%2Fa%20b~%C3%A9")
    }

    @Test func pidFileParsing() {
        let text = "4242\n/data/pgdata\n1700000000\n5432\n/data/run\n\n  12345     6789\nready   \n"
        let parsed = EmbeddedPostgres.PidFile.parse(text)
        #expect(parsed == EmbeddedPostgres.PidFile(pid: 4242, port: 5432, socketDirectory: "/data/run", state: "ready"))
        #expect(EmbeddedPostgres.PidFile.parse("4242\n/data\n") == nil)
        #expect(EmbeddedPostgres.PidFile.parse("x\n/data\n1\n5432\n/run\n") == nil)
    }

    @Test func binaryDiscoveryPrefersTheNewestInstalledVersion() async throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for name in ["9.6", "15", "16", "10", "common", "16.2"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(name)", withIntermediateDirectories: false)
        }
        #expect(EmbeddedPostgres.installedVersions(under: root) == ["16.2", "16", "15", "10", "9.6"])

        let found = try await EmbeddedPostgres.locateBinaries(explicit: nil, environment: [:])
        #expect(FileManager.default.isExecutableFile(atPath: "\(found)/initdb"))
        #expect(FileManager.default.isExecutableFile(atPath: "\(found)/pg_ctl"))
    }

    // MARK: Helpers

    /// A fresh directory under /tmp with mode 0755, so the server's account can enter it.
    private func makeTemporaryDirectory() throws -> String {
        let path = "/tmp/scenecast-test-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        _ = chmod(path, 0o755)
        return path
    }

    /// Runs `body`, then stops any server left on the cluster and removes `root`, also
    /// when `body` throws.
    private func withCleanup(
        _ server: EmbeddedPostgres, _ root: String, _ body: () async throws -> Void
    ) async throws {
        do {
            try await body()
        } catch {
            await cleanUp(server, root)
            throw error
        }
        await cleanUp(server, root)
    }

    private func cleanUp(_ server: EmbeddedPostgres, _ root: String) async {
        try? await server.stopServer()
        try? FileManager.default.removeItem(atPath: root)
        if !server.socketDirectory.hasPrefix(root) {
            try? FileManager.default.removeItem(atPath: server.socketDirectory)
        }
    }

    private func binDirectory() async throws -> String {
        try await EmbeddedPostgres.locateBinaries(explicit: nil)
    }

    /// Runs one statement with the installed `psql` (as the server's account when root)
    /// and returns its unaligned, tuples-only output.
    private func psql(_ handle: EmbeddedPostgres.Handle, _ sql: String) async throws -> String {
        let result = try await EmbeddedPostgres.runCommand(
            "\(try await binDirectory())/psql",
            ["-X", "-v", "ON_ERROR_STOP=1", "-h", handle.socketDirectory, "-p", "\(handle.port)",
             "-U", handle.user, "-d", handle.database, "-Atc", sql],
            as: try EmbeddedPostgres.Account.forServer(),
            in: "/tmp"
        )
        try #require(result.succeeded, "psql failed: \(result.diagnostics)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func owner(of path: String) -> uid_t? {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_uid : nil
    }
}
