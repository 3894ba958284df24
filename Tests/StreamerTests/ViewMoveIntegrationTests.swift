import CommandBus
import Foundation
import SceneLedger
import Synchronization
import Testing
@testable import Streamer
import StreamerTesting

/// Peers moving between views without renegotiation, and VP8 views, with real GStreamer
/// on both ends, real rendering and a real PostgreSQL ledger, over 127.0.0.1 only.
@Suite("Views: detached observers, lower-rate splits and VP8", .serialized)
struct ViewMoveIntegrationTests {
    @Test("an observer detaches to a view of its own camera and size, then follows the driver again; its video never stops")
    func detachAndFollow() async throws {
        let f = try await StreamingFixture.make()
        let driver = try await VideoClient(f, role: .driver, width: 320, height: 240)
        #expect(await VideoClient.eventually { driver.receiver.framesReceived >= 3 })
        let observer = try await VideoClient(f, role: .observer, width: 480, height: 360)
        #expect(await VideoClient.eventually(20) { observer.receiver.frameSize?.width == 320 })
        #expect(await f.streamer.summary().views == 1)

        await observer.media.handle(.view(follow: false))
        let detached = await VideoClient.eventually(20) {
            observer.log.socketMessages.withLock { $0.contains { $0["type"]?.stringValue == "view" && $0["follow"] == .bool(false) } }
        }
        #expect(detached, "\(observer.log.socketMessages.withLock { $0 })")
        let reply = observer.log.socketMessages.withLock { $0.last { $0["type"]?.stringValue == "view" } }
        #expect(reply?["camera"]?.stringValue == observer.session.uuidString.lowercased())
        #expect(await f.streamer.summary() == (views: 2, peers: 2))
        // Its own view is drawn at its own size; the same RTP stream goes on, now at 480x360.
        #expect(await VideoClient.eventually(20) { observer.receiver.frameSize?.width == 480 && observer.receiver.frameSize?.height == 360 })
        let before = observer.receiver.framesReceived
        #expect(await VideoClient.eventually { observer.receiver.framesReceived > before + 3 })

        await observer.media.handle(.view(follow: true))
        #expect(await VideoClient.eventually(20) { observer.receiver.frameSize?.width == 320 })
        #expect(await f.streamer.summary() == (views: 1, peers: 2))
        let again = observer.log.socketMessages.withLock { $0.last { $0["type"]?.stringValue == "view" } }
        #expect(again?["camera"]?.stringValue == driver.session.uuidString.lowercased())

        // A malformed view message is refused before it reaches the streamer.
        guard case .failure(.command(let error)) = ClientMessage.decode(Array(#"{"type":"view","follow":"yes"}"#.utf8), phase: .session) else {
            Issue.record("a view message with a string follow was accepted")
            return
        }
        #expect(error.code == .wrongType)
        await observer.close()
        await driver.close()
        #expect(await f.streamer.summary() == (views: 0, peers: 0))
        await f.shutdown()
    }

    @Test("followers move with the driver: they keep the last driver's view while there is none, and move to the next driver's")
    func driverHandover() async throws {
        let f = try await StreamingFixture.make()
        let first = try await VideoClient(f, role: .driver, width: 320, height: 240)
        let observer = try await VideoClient(f, role: .observer, width: 480, height: 360)
        #expect(await VideoClient.eventually(20) { observer.receiver.frameSize?.width == 320 })
        let peer = ObjectIdentifier(try #require(await observer.media.peer))
        func observerCamera() async -> UUID? { await f.streamer.placement[peer]?.key.cameraOwner }
        #expect(await observerCamera() == first.session)

        // The driver leaves (as a reload does): the follower stays on its view, whose camera
        // stays where the driver left it, and frames keep coming.
        await first.close()
        await f.host.leave(session: first.session)
        #expect(await VideoClient.eventually(20) { await f.host.liveState.driver == nil })
        let stayed = observer.receiver.framesReceived
        #expect(await VideoClient.eventually { observer.receiver.framesReceived > stayed + 3 })
        #expect(await observerCamera() == first.session)
        #expect(await f.streamer.summary() == (views: 1, peers: 1))

        // A new driver joins: the follower moves to its view, at the size that view was made for.
        let second = try await VideoClient(f, role: .driver, width: 640, height: 480)
        #expect(await VideoClient.eventually(20) { await observerCamera() == second.session })
        #expect(await VideoClient.eventually(20) { observer.receiver.frameSize?.width == 640 })
        #expect(await f.streamer.summary() == (views: 1, peers: 2))
        let before = observer.receiver.framesReceived
        #expect(await VideoClient.eventually { observer.receiver.framesReceived > before + 3 })

        // A detached observer stays on its own camera when the driver changes.
        await observer.media.handle(.view(follow: false))
        #expect(await VideoClient.eventually(20) { await observerCamera() == observer.session })
        await second.close()
        await f.host.leave(session: second.session)
        let third = try await VideoClient(f, role: .driver, width: 320, height: 240)
        #expect(await VideoClient.eventually { third.receiver.framesReceived >= 3 })
        #expect(await observerCamera() == observer.session)

        // A driver with no video of its own (a WebSocket-only client): after a grace period
        // the follower gets a view of that driver's camera, at the follower's size.
        await observer.media.handle(.view(follow: true))
        #expect(await VideoClient.eventually(20) { await observerCamera() == third.session })
        await third.close()
        await f.host.leave(session: third.session)
        let plain = try await f.host.join(
            actor: UUID(), name: "tablet", role: .driver, sink: RoutedSink(socket: StreamSink()), clientTimeMillis: 1)
        #expect(await VideoClient.eventually(20) { await observerCamera() == plain.session })
        #expect(await VideoClient.eventually(20) { observer.receiver.frameSize?.width == 480 })
        await observer.close()
        await f.shutdown()
    }

    @Test("a weak peer of a shared view moves to a lower-rate view of the same camera and back; both keep receiving")
    func lowRateSplit() async throws {
        let f = try await StreamingFixture.make()
        let driver = try await VideoClient(f, role: .driver, width: 320, height: 240)
        let observer = try await VideoClient(f, role: .observer, width: 320, height: 240)
        #expect(await VideoClient.eventually { observer.receiver.framesReceived >= 3 && driver.receiver.framesReceived >= 3 })
        let shared = try #require(await f.streamer.views.values.first?.view.pipeline.bitrateKbps)

        let peer = try #require(await observer.media.peer)
        await f.streamer.rateMove(peer, .split)
        #expect(await f.streamer.summary() == (views: 2, peers: 2))
        let low = try #require(await f.streamer.views.first { $0.key.lowRate }?.value)
        #expect(low.peers.count == 1 && low.view.cameraOwner == driver.session)
        #expect(low.view.pipeline.bitrateKbps < shared)
        let before = observer.receiver.framesReceived
        #expect(await VideoClient.eventually { observer.receiver.framesReceived > before + 3 })

        await f.streamer.rateMove(peer, .promote)
        #expect(await f.streamer.summary() == (views: 1, peers: 2))
        let after = observer.receiver.framesReceived
        #expect(await VideoClient.eventually { observer.receiver.framesReceived > after + 3 })
        await observer.close()
        await driver.close()
        await f.shutdown()
    }

    @Test("real loss: a follower whose packets are lost moves to a lower-rate view through its RTCP reports, and back once clean")
    func lossDrivenSplit() async throws {
        let f = try await StreamingFixture.make()
        let driver = try await VideoClient(f, role: .driver, width: 320, height: 240)
        let weak = try await VideoClient(f, role: .observer, width: 320, height: 240)
        let clean = try await VideoClient(f, role: .observer, width: 320, height: 240)
        #expect(await VideoClient.eventually { weak.receiver.framesReceived >= 3 && clean.receiver.framesReceived >= 3 })
        let weakPeer = try #require(await weak.media.peer)
        let cleanPeer = try #require(await clean.media.peer)
        func onLowRate(_ peer: WebRTCPeer) async -> Bool {
            await f.streamer.placement[ObjectIdentifier(peer)]?.key.lowRate == true
        }

        // One packet in four lost on the way to `weak` only: its receiver reports say so.
        weakPeer.simulateLoss(oneIn: 4)
        #expect(await VideoClient.eventually(40) { await onLowRate(weakPeer) }, "the weak peer never left the shared view")
        #expect(await !onLowRate(cleanPeer))
        #expect(await f.streamer.summary() == (views: 2, peers: 3))
        let low = try #require(await f.streamer.views.first { $0.key.lowRate }?.value)
        #expect(low.view.cameraOwner == driver.session)
        let before = clean.receiver.framesReceived
        #expect(await VideoClient.eventually { clean.receiver.framesReceived > before + 10 }, "the clean follower stalled")

        // The path heals: after clean reports at the lower view's top rate, it is promoted back.
        weakPeer.simulateLoss(oneIn: 0)
        #expect(await VideoClient.eventually(60) { await !onLowRate(weakPeer) }, "the weak peer was never promoted")
        #expect(await f.streamer.summary() == (views: 1, peers: 3))
        let after = weak.receiver.framesReceived
        #expect(await VideoClient.eventually { weak.receiver.framesReceived > after + 3 })
        await weak.close()
        await clean.close()
        await driver.close()
        await f.shutdown()
    }

    @Test("a browser that offers no H.264 gets VP8: frames decode at the requested size")
    func vp8() async throws {
        let f = try await StreamingFixture.make()
        try #require(f.streamer.configuration.vp8Encoder != nil, "vp8enc is missing: install gstreamer1.0-plugins-good")
        #expect(VideoCodec.choose(offered: ["video/VP8", "video/rtx"], available: f.streamer.configuration.codecs) == .vp8)
        let client = try await VideoClient(f, role: .driver, width: 320, height: 240, codec: .vp8)
        #expect(await VideoClient.eventually { client.receiver.framesReceived >= 5 }, "\(client.log.socketMessages.withLock { $0 })")
        #expect(client.receiver.videoCodec == .vp8)
        #expect(client.receiver.frameSize?.width == 320 && client.receiver.frameSize?.height == 240)
        await client.close()
        await f.shutdown()
    }
}
