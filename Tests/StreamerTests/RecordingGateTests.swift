import Testing
@testable import Streamer

@Suite("RecordingGate: which encoded frames a recording takes")
struct RecordingGateTests {
    let second: UInt64 = 1_000_000_000

    @Test("delta frames before the first keyframe are dropped; timestamps start at the keyframe")
    func startsOnKeyframe() {
        var gate = RecordingGate(segmentNanos: 60 * second)
        #expect(gate.take(pts: 5 * second, isDelta: true) == .skip)
        #expect(!gate.hasStarted)
        #expect(gate.take(pts: 6 * second, isDelta: false) == .record(rebase: 6 * second, askKeyframe: false))
        #expect(gate.hasStarted)
        #expect(gate.take(pts: 7 * second, isDelta: true) == .record(rebase: 6 * second, askKeyframe: false))
    }

    @Test("a keyframe is asked for once when a segment is due, and again after the next keyframe")
    func asksForKeyframeWhenSegmentDue() {
        var gate = RecordingGate(segmentNanos: 2 * second)
        _ = gate.take(pts: 0, isDelta: false)
        #expect(gate.take(pts: second, isDelta: true) == .record(rebase: 0, askKeyframe: false))
        #expect(gate.take(pts: 2 * second, isDelta: true) == .record(rebase: 0, askKeyframe: true))
        #expect(gate.take(pts: 3 * second, isDelta: true) == .record(rebase: 0, askKeyframe: false))
        #expect(gate.take(pts: 3 * second + 1, isDelta: false) == .record(rebase: 0, askKeyframe: false))
        #expect(gate.take(pts: 5 * second + 1, isDelta: true) == .record(rebase: 0, askKeyframe: true))
    }

    @Test("after close nothing is taken, and close reports only the first time")
    func closes() {
        var gate = RecordingGate(segmentNanos: second)
        _ = gate.take(pts: 0, isDelta: false)
        let first = gate.close()
        let second = gate.close()
        #expect(first && !second)
        #expect(gate.take(pts: self.second, isDelta: false) == .skip)
    }
}
