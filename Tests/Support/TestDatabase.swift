import Foundation
package import Logging
package import SceneLedger

/// A fresh, migrated database on a real PostgreSQL server, one per test.
///
/// The server is the one `DATABASE_URL` names (the test command starts one); without it,
/// an embedded server is started once for the whole test process.
package struct TestDatabase: Sendable {
    package let conninfo: String
    package let name: String
    package let logger: Logger

    package static func make(_ label: String = #function) async throws -> TestDatabase {
        let server = try await TestServer.shared.conninfo()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let admin = try await PGConnection.connect(server, name: "test-admin", logger: testLogger)
        try await admin.exec("CREATE DATABASE \(name)")
        await admin.close()
        let conninfo = TestServer.conninfo(server, database: name)
        let store = LedgerStore(conninfo: conninfo, logger: testLogger)
        _ = try await store.migrate()
        await store.close()
        return TestDatabase(conninfo: conninfo, name: name, logger: testLogger)
    }

    /// A superuser connection that can bypass the append-only trigger, for tampering tests.
    package func superuser() async throws -> PGConnection {
        try await PGConnection.connect(conninfo, name: "test-superuser", logger: logger)
    }
}

package let testLogger: Logger = {
    var logger = Logger(label: "scenecast.tests")
    logger.logLevel = .warning
    return logger
}()

/// The PostgreSQL server the tests use.
package actor TestServer {
    package static let shared = TestServer()
    private var cached: String?

    package func conninfo() async throws -> String {
        if let cached { return cached }
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            cached = url
            return url
        }
        let started = try await TestServer.startEmbedded()
        cached = started
        return started
    }

    /// Replaces the database name in a conninfo string or URL.
    package static func conninfo(_ base: String, database: String) -> String {
        if base.hasPrefix("postgres://") || base.hasPrefix("postgresql://") {
            var components = URLComponents(string: base)!
            components.path = "/" + database
            return components.string!
        }
        let kept = base.split(separator: " ").filter { !$0.hasPrefix("dbname=") }
        return (kept + ["dbname=\(database)"]).joined(separator: " ")
    }
}
