import ScenecastFixtures
import ScenecastTerminal
package import SceneLedger

/// The database a bench runs against: its connection string (for the bench's own writers
/// and raw connections) and an open store.
package struct BenchDatabase: Sendable {
    package let conninfo: String
    package let store: LedgerStore

    package init(conninfo: String, store: LedgerStore) {
        self.conninfo = conninfo
        self.store = store
    }
}
