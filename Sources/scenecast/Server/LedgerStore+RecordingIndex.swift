import SceneLedger
import Streamer

/// The ledger's store indexes the Streamer's recordings (the protocol is the Streamer's).
extension LedgerStore: RecordingIndex {}
