/// Which encoded access units a recording takes, as a pure state machine: nothing until the
/// first keyframe, timestamps rebased so the recording starts at zero, and a keyframe asked
/// for when a segment is due (splitmuxsink can only cut on one). Nothing after `close()`.
struct RecordingGate: Sendable {
    enum Action: Equatable, Sendable {
        /// Drop the access unit.
        case skip
        /// Record it, its timestamps moved back by `rebase`; `askKeyframe`: ask the encoder for one.
        case record(rebase: UInt64, askKeyframe: Bool)
    }

    let segmentNanos: UInt64
    private(set) var open = true
    private var base: UInt64?
    private var lastKeyframe: UInt64 = 0
    private var askedSinceKeyframe = false

    init(segmentNanos: UInt64) { self.segmentNanos = segmentNanos }

    /// Whether it took a keyframe, so the recording holds at least one frame.
    var hasStarted: Bool { base != nil }

    /// Decides for one access unit with presentation time `pts`.
    mutating func take(pts: UInt64, isDelta: Bool) -> Action {
        guard open else { return .skip }
        guard let base else {
            guard !isDelta else { return .skip }
            self.base = pts
            lastKeyframe = pts
            return .record(rebase: pts, askKeyframe: false)
        }
        if !isDelta {
            lastKeyframe = pts
            askedSinceKeyframe = false
            return .record(rebase: base, askKeyframe: false)
        }
        let due = pts >= lastKeyframe && pts - lastKeyframe >= segmentNanos && !askedSinceKeyframe
        if due { askedSinceKeyframe = true }
        return .record(rebase: base, askKeyframe: due)
    }

    /// Stops taking access units; true the first time.
    mutating func close() -> Bool {
        defer { open = false }
        return open
    }
}
