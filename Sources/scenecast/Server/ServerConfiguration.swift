import CommandBus
import Foundation
import Renderer
import Streamer

/// What a Scenecast server is built from (`buildApplication`): `serve` fills it from its
/// options, tests build one directly, and both get the same server.
struct ServerConfiguration: Sendable {
    var host = "127.0.0.1"
    var port = 8080
    /// Seed (once) and serve a demo plant of this many devices.
    var demo: Int?
    /// The largest model upload accepted.
    var maxModelBytes = 200 << 20
    /// Memory for loaded uploaded models.
    var modelMemoryBytes = ModelLibrary.defaultBudgetBytes
    var ice = ICEConfiguration()
    var videoFPS = 60
    /// Record every view (`--record`).
    var record = false
    var recordFormat = RecordingFormat.mp4
    var recordSegmentSeconds = 60
    /// Where recordings go: `<data-dir>/recordings`.
    var recordingsDirectory = ".scenecast/recordings"
    /// The bearer token of the admin routes; nil: they answer 403.
    var adminToken: String?
    /// The web client's files.
    var publicFolder: String
    /// Per connection: how much may queue for a slow client, and how long a write may
    /// stay stuck before the connection is closed (`--outbound-queue-kb`, `--stall-seconds`).
    var outboundLimits = OutboundQueue.Limits()

    /// The address people open, for the terminal.
    var url: String { "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)/" }
}
