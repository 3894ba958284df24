package import SceneLedger

/// Where the Streamer records what it wrote: the one way it writes to the ledger's store.
/// The Streamer owns this protocol and the executable conforms the `LedgerStore` to it, so
/// the video module never holds the store itself (as NIOCore declares `EventLoop` and
/// NIOPosix implements it).
package protocol RecordingIndex: Sendable {
    /// Indexes a closed segment (or one that failed) and answers it with its id.
    func addRecordingSegment(_ segment: RecordingSegment) async throws -> RecordingSegment
}
