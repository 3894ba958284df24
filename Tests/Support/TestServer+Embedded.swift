import Foundation
import SceneLedger

extension TestServer {
    /// Without DATABASE_URL the tests need a server of their own; the test command
    /// (scripts/test) always provides one, so reaching this is a developer convenience.
    static func startEmbedded() async throws -> String {
        throw LedgerError(.connection, "Set DATABASE_URL, or run the tests through scripts/test, which starts PostgreSQL")
    }
}
