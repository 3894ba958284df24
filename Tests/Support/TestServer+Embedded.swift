import Foundation

#if canImport(Glibc)
import Glibc
#endif
import Logging
import SceneLedger

extension TestServer {
    /// Without DATABASE_URL (scripts/test.sh always sets it), the tests start an embedded
    /// server of their own in a fixed folder under /tmp, reused by later runs.
    static func startEmbedded() async throws -> String {
        let directory = "/tmp/scenecast-swift-test-\(getuid())"
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)
        let handle = try await EmbeddedPostgres(dataDirectory: directory, logger: testLogger).start()
        return handle.conninfo
    }
}
