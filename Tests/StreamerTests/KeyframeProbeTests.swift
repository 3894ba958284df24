import CGStreamer
import Foundation
import Renderer
import Synchronization
import Testing
import ScenecastTestSupport
@testable import Streamer

@Suite("Forced keyframes reach the encoder", .serialized)
struct KeyframeProbeTests {
    @Test("a keyframe request makes the encoder emit a keyframe; one within the second waits")
    func forced() async throws {
        let view = try ViewPipeline(
            width: 64, height: 64, fps: 30, encoder: try #require(EncoderChoice.detect()), bitrateKbps: 500,
            clock: MonotonicClock(), logger: testLogger
        )
        let counter = KeyframeCounter()
        try counter.attach(to: view)
        try view.start()
        let frame = Frame(width: 64, height: 64, format: .i420, bytes: [UInt8](repeating: 128, count: 64 * 64 * 3 / 2), sceneTimeMicros: 0)
        for i in 0..<90 {
            if i == 30 || i == 35 { view.requestKeyframe() }
            view.push(frame)
            try await Task.sleep(for: .milliseconds(33))
        }
        try await Task.sleep(for: .milliseconds(300))
        view.stop()
        // The first frame, the forced one, then the coalesced one after its second.
        #expect(counter.keyframes.withLock { $0.count } == 3)
    }
}
