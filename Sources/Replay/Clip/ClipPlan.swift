/// The timing of a clip, pure: frames at a fixed rate of output time, each showing the
/// scene at `fromMicros + outputTime * speed`. Scene time comes from the ledger's
/// `recorded_at`, never from a clock.
package struct ClipPlan: Sendable, Equatable {
    package static let fpsRange: ClosedRange<Int> = 1...120

    /// The interval of scene time, microseconds since the Unix epoch.
    package let fromMicros: Int64
    package let toMicros: Int64
    /// Scene seconds per output second (0.25 to 8, as the replay cursor).
    package let speed: Double
    package let fps: Int

    package init(fromMicros: Int64, toMicros: Int64, speed: Double, fps: Int) throws(ReplayError) {
        guard toMicros > fromMicros else {
            throw ReplayError(.invalidArgument, "The clip's end (--to) must come after its start (--from)")
        }
        guard ReplayCursor.speeds.contains(speed) else {
            throw ReplayError(.invalidArgument, "Speed \(speed)x is outside 0.25x to 8x")
        }
        guard Self.fpsRange.contains(fps) else {
            throw ReplayError(.invalidArgument, "--fps \(fps) is outside 1 to 120")
        }
        self.fromMicros = fromMicros
        self.toMicros = toMicros
        self.speed = speed
        self.fps = fps
    }

    /// Output length in nanoseconds: the interval played at `speed`.
    package var outputNanos: Int64 {
        Int64((Double(toMicros - fromMicros) * 1_000 / speed).rounded())
    }

    /// Frames that start before the output ends (at least one).
    package var frameCount: Int {
        let frameNanos = 1e9 / Double(fps)
        return max(1, Int((Double(outputNanos) / frameNanos).rounded(.up)))
    }

    /// Output time where frame `index` starts, in nanoseconds (exact multiples of 1/fps).
    package func presentationNanos(_ index: Int) -> Int64 {
        Int64(index) * 1_000_000_000 / Int64(fps)
    }

    /// How long frame `index` shows, so that consecutive frames tile output time.
    package func durationNanos(_ index: Int) -> Int64 {
        presentationNanos(index + 1) - presentationNanos(index)
    }

    /// The scene time frame `index` shows, clamped to the interval.
    package func sceneMicros(_ index: Int) -> Int64 {
        let offset = Double(presentationNanos(index)) / 1_000 * speed
        return min(fromMicros + Int64(offset.rounded(.down)), toMicros)
    }
}
