import CommandBus
import Foundation
import SceneLedger
import Synchronization
import Testing
@testable import Streamer
import StreamerTesting

/// Real GStreamer (webrtcbin on both ends, x264 or a hardware encoder, avdec_h264), real
/// rendering (llvmpipe or a GPU) and a real PostgreSQL ledger, over 127.0.0.1 only.
@Suite("Video streaming end to end over loopback", .serialized)
struct StreamingIntegrationTests {
    @Test("a driver's peer decodes frames at the requested size, and a data-channel command is acked and recorded")
    func driverStreamsAndCommands() async throws {
        let f = try await StreamingFixture.make()
        let client = try await VideoClient(f, role: .driver, width: 320, height: 240)
        let decoded = await VideoClient.eventually { client.receiver.framesReceived >= 5 }
        #expect(decoded, "frames decoded: \(client.receiver.framesReceived); \(client.log.socketMessages.withLock { $0 })")
        let size = client.receiver.frameSize
        #expect(size?.width == 320 && size?.height == 240)

        let open = await VideoClient.eventually { client.log.openChannels.withLock { $0.isSuperset(of: [.input, .commands]) } }
        #expect(open, "open channels: \(client.log.openChannels.withLock { $0 })")
        let id = UUID()
        let drag = #"{"id":"\#(id.uuidString.lowercased())","type":"device:drag","timestamp":1764000000000,"data":{"deviceId":"\#(f.device.uuidString.lowercased())","position":[4,0,2]}}"#
        #expect(client.receiver.send(drag, on: .commands))
        let acked = await VideoClient.eventually {
            client.log.channelMessages.withLock { $0.contains { $0["type"]?.stringValue == "ack" && $0["ref"]?.stringValue == id.uuidString.lowercased() } }
        }
        #expect(acked, "over the channel: \(client.log.channelMessages.withLock { $0 })")
        let head = try await f.store.headVersion(of: f.scene)
        let stored = try await f.store.events(scene: f.scene, afterVersion: 0, throughVersion: head)
        #expect(stored.contains { $0.commandID == id && $0.type == "device.moved" })

        // Motion on the unordered channel goes through the same host path.
        let orbit = UUID()
        let motion = #"{"id":"\#(orbit.uuidString.lowercased())","type":"camera:orbit","timestamp":1764000000001,"data":{"dAzimuth":10,"dElevation":0}}"#
        #expect(client.receiver.send(motion, on: .input))
        let orbited = await VideoClient.eventually {
            client.log.channelMessages.withLock { $0.contains { $0["type"]?.stringValue == "ack" && $0["ref"]?.stringValue == orbit.uuidString.lowercased() } }
        }
        #expect(orbited)
        // A refused command is answered with an error on the channel and records nothing.
        let bad = #"{"id":"\#(UUID().uuidString.lowercased())","type":"device:drag","timestamp":1,"data":{"deviceId":"\#(UUID().uuidString.lowercased())","position":[0,0,0]}}"#
        let before = try await f.store.headVersion(of: f.scene)
        #expect(client.receiver.send(bad, on: .commands))
        let refused = await VideoClient.eventually {
            client.log.channelMessages.withLock { $0.contains { $0["code"]?.stringValue == "unknown_device" } }
        }
        #expect(refused)
        #expect(try await f.store.headVersion(of: f.scene) == before)
        await client.close()
        await f.shutdown()
    }

    @Test("an observer shares the driver's view: one view, two peers, both receive frames")
    func observerSharesView() async throws {
        let f = try await StreamingFixture.make()
        let driver = try await VideoClient(f, role: .driver, width: 320, height: 240)
        // The driver's stream is running before the observer arrives: the observer's decoder
        // can only start at a keyframe forced for it.
        #expect(await VideoClient.eventually { driver.receiver.framesReceived >= 3 })
        let observer = try await VideoClient(f, role: .observer, width: 640, height: 480)
        let summary = await f.streamer.summary()
        #expect(summary.views == 1 && summary.peers == 2)
        let decoded = await VideoClient.eventually(20) { observer.receiver.framesReceived >= 3 }
        #expect(decoded, "observer decoded \(observer.receiver.framesReceived)")
        // It shares the driver's view, so it gets the driver's size.
        #expect(observer.receiver.frameSize?.width == 320 && observer.receiver.frameSize?.height == 240)
        // A light receiver counts frames without decoding them.
        let light = try await VideoClient(f, role: .observer, width: 320, height: 240, mode: .countOnly)
        #expect(await VideoClient.eventually { light.receiver.framesReceived >= 3 })
        await light.close()
        await observer.close()
        #expect(await f.streamer.summary().peers == 1)
        // The driver keeps streaming after the observers left (and closed their channels).
        let before = driver.receiver.framesReceived
        #expect(await VideoClient.eventually { driver.receiver.framesReceived > before + 2 })
        await driver.close()
        #expect(await f.streamer.summary().views == 0)
        await f.shutdown()
    }
}
