package import SceneLedger

/// Where a `ModelLibrary` reads the bytes of uploaded models: the ledger's model store in
/// the server and the CLI, something in memory in tests.
package protocol ModelSource: Sendable {
    /// The stored bytes of the uploaded model whose SHA-256 is `sha256` (lowercase hex).
    func modelBytes(_ sha256: String) async throws -> [UInt8]
}

extension LedgerStore: ModelSource {}
