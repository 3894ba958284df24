import ScenecastTerminal
import ArgumentParser
import CommandBus
import Foundation
import Hummingbird
import Logging
import Renderer
import SceneLedger
import ServiceLifecycle
import Streamer
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Scenecast server: the web client, /health and the /signal WebSocket."
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var database: DatabaseOptions
    @Option(help: "TCP port for HTTP and WebSocket.") var port: Int = 8080
    @Option(help: "Address to listen on; 0.0.0.0 to serve other machines (tablets on the plant network).")
    var host: String = "127.0.0.1"
    @Option(help: "Seed (once) and serve a deterministic demo plant with this many devices; join it as scene \"demo\".")
    var demo: Int?
    @Option(name: .customLong("max-model-mb"), help: "The largest model upload accepted, in MiB.")
    var maxModelMB: Int = 200
    @Option(name: .customLong("model-memory-mb"), help: "Memory for loaded uploaded models (meshes, levels of detail, picking), in MiB; the least recently used are let go past it.")
    var modelMemoryMB: Int = ModelLibrary.defaultBudgetBytes >> 20
    @Option(
        name: .customLong("ice-server"),
        help: "A STUN or TURN server for WebRTC, as stun:host:port or turn:user:password@host:port (repeatable)."
    )
    var iceServers: [String] = []
    @Option(
        name: .customLong("ice-address"),
        help: "Gather WebRTC host candidates on this local address only, such as 127.0.0.1 (repeatable)."
    )
    var iceAddresses: [String] = []
    @Option(name: .customLong("video-fps"), help: "The highest frame rate of a video view.")
    var videoFPS: Int = 60
    @Flag(help: "Record every view's video into <data-dir>/recordings, indexed in the ledger's database.")
    var record = false
    @Option(name: .customLong("record-format"), help: "The container of recorded segments: mp4 or mkv.")
    var recordFormat: String = "mp4"
    @Option(name: .customLong("record-segment-seconds"), help: "The length of one recorded segment file, in seconds.")
    var recordSegmentSeconds: Int = 60
    @Option(
        name: .customLong("admin-token"),
        help: "The bearer token for admin routes (recording start/stop). Default: $SCENECAST_ADMIN_TOKEN; none: those routes answer 403."
    )
    var adminToken: String?
    @Option(
        name: .customLong("outbound-queue-kb"),
        help: "How much a connection may have queued for a slow client, in KiB, before presence is dropped and it gets one state:full instead of the backlog."
    )
    var outboundQueueKB: Int = 4_096
    @Option(
        name: .customLong("stall-seconds"),
        help: "How long a write to a client that is behind may stay unfinished before the connection is closed as not reading."
    )
    var stallSeconds: Double = 15

    func validate() throws {
        guard (1...65_535).contains(port) else { throw ValidationError("--port takes 1 to 65535.") }
        if let demo, !(1...5_000).contains(demo) { throw ValidationError("--demo takes 1 to 5000 devices.") }
        guard (1...2_048).contains(maxModelMB) else { throw ValidationError("--max-model-mb takes 1 to 2048.") }
        guard (16...1_048_576).contains(modelMemoryMB) else { throw ValidationError("--model-memory-mb takes 16 to 1048576 (MiB).") }
        guard (1...120).contains(videoFPS) else { throw ValidationError("--video-fps takes 1 to 120.") }
        guard RecordingFormat(rawValue: recordFormat) != nil else { throw ValidationError("--record-format takes mp4 or mkv.") }
        guard (1...3_600).contains(recordSegmentSeconds) else {
            throw ValidationError("--record-segment-seconds takes 1 to 3600.")
        }
        guard (16...1_048_576).contains(outboundQueueKB) else { throw ValidationError("--outbound-queue-kb takes 16 to 1048576.") }
        guard stallSeconds >= 0.5, stallSeconds <= 3_600 else { throw ValidationError("--stall-seconds takes 0.5 to 3600.") }
        _ = try iceConfiguration()
    }

    /// `--ice-server` and `--ice-address`, checked.
    func iceConfiguration() throws -> ICEConfiguration {
        do {
            for address in iceAddresses { try ICEConfiguration.checkAddress(address) }
            return ICEConfiguration(servers: try iceServers.map(ICEConfiguration.parseServer), localAddresses: iceAddresses)
        } catch {
            throw ValidationError(error.message + ".")
        }
    }

    /// The server this command's options describe.
    func serverConfiguration(publicFolder: String) throws -> ServerConfiguration {
        ServerConfiguration(
            host: host, port: port, demo: demo, maxModelBytes: maxModelMB << 20, modelMemoryBytes: modelMemoryMB << 20,
            ice: try iceConfiguration(), videoFPS: videoFPS, record: record, recordFormat: RecordingFormat(rawValue: recordFormat) ?? .mp4,
            recordSegmentSeconds: recordSegmentSeconds,
            recordingsDirectory: URL(fileURLWithPath: database.dataDirectory).appendingPathComponent("recordings").path,
            adminToken: adminToken ?? ProcessInfo.processInfo.environment["SCENECAST_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 },
            publicFolder: publicFolder,
            outboundLimits: OutboundQueue.Limits(maxQueuedBytes: outboundQueueKB << 10, stallNanos: UInt64(stallSeconds * 1e9)))
    }

    func run() async throws {
        let logger = global.makeLogger()
        try PortCheck.ensureFree(host: host, port: port)
        let configuration = try serverConfiguration(publicFolder: try ScenecastServer.publicFolder())
        let session = try await database.open(logger: logger)
        do {
            let server = try await buildApplication(configuration, session: session, logger: logger)
            Terminal.line("Scenecast is serving \(configuration.url)\(server.demoScene.map { " (demo scene \($0.uuidString.lowercased()))" } ?? "")")
            Terminal.line("Open \(configuration.url) in a browser; press Ctrl-C to stop.")
            try await server.run()
        } catch {
            await session.close()
            throw error
        }
        await session.close()
        Terminal.line("Scenecast stopped.")
    }
}

/// Tells "port in use" apart from every other start-up failure, before anything starts.
enum PortCheck {
    static func ensureFree(host: String, port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &address.sin_addr) == 1 else {
            throw CLIError("--host \(host) is not an IPv4 address; use 127.0.0.1 or 0.0.0.0.")
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 {
            if errno == EADDRINUSE {
                throw CLIError("Port \(port) on \(host) is already in use; stop the other server or choose another with --port.")
            }
            throw CLIError("Cannot listen on \(host):\(port) (\(String(cString: strerror(errno)))).")
        }
    }
}
