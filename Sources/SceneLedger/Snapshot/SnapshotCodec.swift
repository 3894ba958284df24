/// The stored form of a snapshot: zstd over the state's canonical JSON bytes.
///
/// Because the inner bytes are canonical, the state hash of a decoded snapshot is the
/// SHA-256 of its decompressed bytes, and it equals the hash of the state that was encoded.
package enum SnapshotCodec {
    /// zstd level for snapshots: fast, and canonical JSON compresses well anyway.
    package static let compressionLevel: Int32 = 3

    package static func encode(_ state: SceneState) throws(LedgerError) -> [UInt8] {
        try Zstd.compress(state.canonicalBytes, level: compressionLevel)
    }

    /// `.compression` if the bytes are not a valid zstd frame, `.decoding` if the state
    /// inside is not a valid canonical scene state.
    package static func decode(_ bytes: [UInt8]) throws(LedgerError) -> SceneState {
        try SceneState(canonicalBytes: try Zstd.decompress(bytes))
    }
}
