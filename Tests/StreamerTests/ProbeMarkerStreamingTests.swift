import CommandBus
import Foundation
import SceneLedger
import Synchronization
import Testing
@testable import Streamer
import StreamerTesting

/// The full input-to-photon path: a `latency:probe` on the `commands` channel goes through
/// the scene host (and the ledger), the view redraws with the probe marker flipped, and
/// the receiver decodes the marker appearing (odd probes) and going away again (even ones). No timing is asserted; the figures are printed.
@Suite("Latency probe through the video", .serialized)
struct ProbeMarkerStreamingTests {
    @Test("each latency:probe shows or hides the decoded probe marker in turn; none shows at rest")
    func probeFlipsMarker() async throws {
        let f = try await StreamingFixture.make()
        let env = ProcessInfo.processInfo.environment
        let width = Int(env["STREAM_TEST_WIDTH"] ?? "") ?? 320
        let height = Int(env["STREAM_TEST_HEIGHT"] ?? "") ?? 240
        let client = try await VideoClient(f, role: .driver, width: width, height: height)
        let ready = await VideoClient.eventually {
            client.receiver.markerReading != nil && client.log.openChannels.withLock { $0.contains(.commands) }
        }
        #expect(ready, "frames \(client.receiver.framesReceived)")
        #expect(client.receiver.markerReading?.shown == false, "the marker shows with no probe outstanding")
        var latencies: [Double] = []
        for i in 1...10 {
            let wantShown = i % 2 == 1
            let sent = DispatchTime.now().uptimeNanoseconds
            let probe = #"{"id":"\#(UUID().uuidString.lowercased())","type":"latency:probe","timestamp":1764000000000,"data":{"probeId":"p-\#(i)"}}"#
            #expect(client.receiver.send(probe, on: .commands))
            let flipped = await VideoClient.eventually(20) {
                guard let reading = client.receiver.markerReading else { return false }
                return reading.shown == wantShown && reading.changedAtNanos >= sent
            }
            #expect(flipped, "probe \(i) never showed in the video")
            if flipped, let reading = client.receiver.markerReading {
                latencies.append(Double(reading.changedAtNanos - sent) / 1e6)
            }
        }
        #expect(latencies.count == 10)
        let sorted = latencies.sorted()
        if !sorted.isEmpty {
            print("probe-to-decoded-frame at \(width)x\(height): median \(sorted[sorted.count / 2]) ms, max \(sorted.last!) ms over \(sorted.count)")
        }
        await client.close()
        await f.shutdown()
    }
}
