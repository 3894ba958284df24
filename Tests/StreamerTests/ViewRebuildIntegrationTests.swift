import CommandBus
import Foundation
import SceneLedger
import Synchronization
import Testing
@testable import Streamer
import StreamerTesting

/// A view whose render and then GL context fail on purpose is rebuilt with a new context
/// and the scene's state, and its peer goes on receiving frames over the same connection.
@Suite("Failed views are rebuilt", .serialized)
struct ViewRebuildIntegrationTests {
    @Test("a failed render, then a failed GL context start: the view is rebuilt twice, renders again, and the same peer decodes its frames")
    func rebuildAfterFailures() async throws {
        let f = try await StreamingFixture.make()
        let client = try await VideoClient(f, role: .driver, width: 320, height: 240)
        #expect(await VideoClient.eventually { client.receiver.framesReceived >= 5 }, "frames: \(client.receiver.framesReceived)")
        #expect(await VideoClient.eventually { client.log.openChannels.withLock { $0.contains(.input) } })
        let view = try #require(await f.streamer.views.values.first?.view)
        #expect(view.failures.load(ordering: .relaxed) == 0 && view.rebuilds.load(ordering: .relaxed) == 0)

        func orbit() -> UUID {
            let id = UUID()
            let message = #"{"id":"\#(id.uuidString.lowercased())","type":"camera:orbit","timestamp":1764000000001,"data":{"dAzimuth":10,"dElevation":0}}"#
            #expect(client.receiver.send(message, on: .input))
            return id
        }
        func acked(_ id: UUID) async -> Bool {
            await VideoClient.eventually(20) {
                client.log.channelMessages.withLock { $0.contains { $0["type"]?.stringValue == "ack" && $0["ref"]?.stringValue == id.uuidString.lowercased() } }
            }
        }

        // The next render fails (the orbit makes one happen), and so does the first rebuild's
        // GL context: two failures, 0.5 s and 1 s apart, then a working context.
        view.injectFaults(renders: 1, contextStarts: 1)
        #expect(await acked(orbit()))
        let rebuilt = await VideoClient.eventually(20) { view.rebuilds.load(ordering: .relaxed) == 2 }
        #expect(rebuilt, "failures \(view.failures.load(ordering: .relaxed)), rebuilds \(view.rebuilds.load(ordering: .relaxed))")
        #expect(view.failures.load(ordering: .relaxed) == 2)

        // The rebuilt view draws the scene, and again after a change; the peer receives it.
        let rendered = view.framesRendered.load(ordering: .relaxed)
        #expect(await VideoClient.eventually(20) { view.framesRendered.load(ordering: .relaxed) > rendered })
        let received = client.receiver.framesReceived
        #expect(await acked(orbit()))
        #expect(await VideoClient.eventually(20) { view.framesRendered.load(ordering: .relaxed) > rendered + 1 })
        #expect(await VideoClient.eventually(20) { client.receiver.framesReceived >= received + 5 }, "frames: \(client.receiver.framesReceived) after \(received)")
        #expect(client.receiver.frameSize?.width == 320 && client.receiver.frameSize?.height == 240)

        // Still the one view and its one peer: nothing was renegotiated.
        #expect(await f.streamer.summary() == (views: 1, peers: 1))
        #expect(await f.streamer.views.values.first?.view === view)
        // What /api/views shows of it.
        let listed = await f.streamer.viewList()
        #expect(listed.map(\.renderFailures) == [2] && listed.map(\.rebuilds) == [2], "\(listed)")
        #expect(!client.log.socketMessages.withLock { $0.contains { $0["type"]?.stringValue == "receiver-failed" } })
        await client.close()
        await f.shutdown()
    }
}
