import CommandBus
import Foundation
import Logging
import SceneLedger
import ScenecastTestSupport
import Synchronization
@testable import Streamer
import StreamerTesting

/// A real scene host on a fresh PostgreSQL database, a streamer restricted to 127.0.0.1,
/// and helpers to connect a webrtcbin receiver to it through a `MediaSession`.
struct StreamingFixture {
    let store: LedgerStore
    let writer: LedgerWriter
    let host: SceneHost
    let scene: UUID
    let device: UUID
    let streamer: Streamer
    let tasks: [Task<Void, any Error>]

    static func make() async throws -> StreamingFixture {
        let db = try await TestDatabase.make()
        let seeded = try await SeededScene.make(db, name: "stream test")
        let (store, writer, writerTask, scene, device) = (seeded.store, seeded.writer, seeded.writerTask, seeded.scene, seeded.device)
        let host = SceneHost(sceneID: scene, store: store, writer: writer, picker: nil, holder: "stream-test", logger: db.logger)
        try await host.load()
        let hostTask = Task { try await host.run() }
        let configuration = StreamerConfiguration(ice: ICEConfiguration(localAddresses: ["127.0.0.1"]), maxFPS: 30)
        let streamer = Streamer(configuration: configuration, logger: db.logger)
        return StreamingFixture(
            store: store, writer: writer, host: host, scene: scene, device: device, streamer: streamer, tasks: [writerTask, hostTask]
        )
    }

    func shutdown() async {
        await streamer.stopAll()
        await host.stop(reason: CommandError(.unavailable, "test over"))
        writer.beginShutdown()
        for t in tasks { _ = try? await t.value }
        await store.close()
    }
}

/// One participant joined with video and a receiver wired to it, as a browser would be:
/// offers and candidates go from the WebSocket sink to the receiver, answers and
/// candidates back to the media session.
final class VideoClient: Sendable {
    let session: UUID
    let media: MediaSession
    let receiver: FrameCountingReceiver
    let log = ClientLog()
    private let pumps: [Task<Void, Never>]

    init(
        _ f: StreamingFixture, role: Role, width: Int, height: Int, mode: FrameCountingReceiver.Mode = .decode, codec: VideoCodec = .h264
    ) async throws {
        let socket = StreamSink()
        let sink = RoutedSink(socket: socket)
        let joined = try await f.host.join(actor: UUID(), name: "viewer", role: role, sink: sink, clientTimeMillis: 1)
        session = joined.session
        media = MediaSession(
            streamer: f.streamer, host: f.host, session: joined.session, role: role, codec: codec, sink: sink, logger: testLogger)
        receiver = try FrameCountingReceiver(mode: mode, logger: testLogger)
        let receiver = self.receiver
        let media = self.media
        let log = self.log
        let fromServer = Task {
            for await event in socket.events {
                guard case .message(let bytes) = event, let value = try? JSONValue.parse(bytes) else { continue }
                socket.delivered()
                switch value["type"]?.stringValue {
                case "offer": try? receiver.applyOffer(value["sdp"]?.stringValue ?? "")
                case "ice":
                    receiver.addCandidate(mline: Int(value["sdpMLineIndex"]?.doubleValue ?? 0), candidate: value["candidate"]?.stringValue ?? "")
                default: log.socketMessages.withLock { $0.append(value) }
                }
            }
        }
        let fromReceiver = Task {
            for await event in receiver.events {
                switch event {
                case .answer(let sdp): await media.handle(.answer(sdp: sdp))
                case .candidate(let mline, let candidate): await media.handle(.ice(candidate: candidate, mline: mline))
                case .channelOpen(let label): _ = log.openChannels.withLock { $0.insert(label) }
                case .message(_, let text):
                    if let value = try? JSONValue.parse(text) { log.channelMessages.withLock { $0.append(value) } }
                case .failed(let why): log.socketMessages.withLock { $0.append(["type": "receiver-failed", "message": .string(why)]) }
                }
            }
        }
        pumps = [fromServer, fromReceiver]
        await media.start(width: width, height: height)
    }

    func close() async {
        await media.close()
        receiver.close()
        for pump in pumps { pump.cancel() }
    }

    /// Polls `condition` every 20 ms for up to `seconds`; false if it never held.
    static func eventually(_ seconds: Double = 45, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await condition()
    }
}

/// What a video client saw.
final class ClientLog: Sendable {
    /// Messages the WebSocket carried (not signalling).
    let socketMessages = Mutex<[JSONValue]>([])
    /// Messages that came over the data channels.
    let channelMessages = Mutex<[JSONValue]>([])
    let openChannels = Mutex<Set<DataChannelLabel>>([])
}
