/// The replay cursor: where a replay view stands in a session and what to load next. Pure:
/// it never reads the ledger or a clock; the driver passes the time in, performs the
/// actions it returns and reports back with `loaded`.
///
/// - `seek` loads the state at a version or time (a snapshot plus its tail).
/// - `stepForward` applies the next event; `stepBack` loads the state one version earlier.
/// - `play` advances scene time at `speed` (0.25x to 8x) of the wall clock the driver
///   passes in: each tick applies the events recorded up to the playhead, then schedules
///   the next tick for when the next event falls due.
package struct ReplayCursor: Sendable {
    package enum Action: Sendable, Equatable {
        /// Rebuild the state at the target from the newest snapshot at or before it.
        case loadState(ReplayTarget)
        /// Fold the events after the loaded version, through this version.
        case applyThroughVersion(Int64)
        /// Fold the events after the loaded version recorded up to this scene time.
        case applyThroughTime(micros: Int64)
        /// Call `tick` again after this many nanoseconds.
        case scheduleTick(afterNanos: UInt64)
        /// Drop any scheduled tick.
        case cancelTick
        /// Playback reached the end of the session and paused.
        case ended
    }

    package static let speeds: ClosedRange<Double> = 0.25...8

    package let span: SessionSpan
    /// The version and scene time of the state the driver last reported.
    package private(set) var version: Int64
    package private(set) var sceneTimeMicros: Int64
    /// Where playback stands in scene time (between events while playing).
    package private(set) var playheadMicros: Int64
    package private(set) var speed: Double = 1
    package private(set) var isPlaying = false
    /// Scene time and wall time when playback (re)started at the current speed.
    private var anchorScene: Int64 = 0
    private var anchorWall: UInt64 = 0

    package init(span: SessionSpan) {
        self.span = span
        self.version = 0
        self.sceneTimeMicros = span.startMicros
        self.playheadMicros = span.startMicros
    }

    /// Jumps to a target (already resolved against the span), keeping play or pause.
    package mutating func seek(to target: ReplayTarget, nowNanos: UInt64) -> [Action] {
        switch target {
        case .version: break
        case .time(let micros):
            playheadMicros = min(max(micros, span.startMicros), span.endMicros)
        }
        if isPlaying { reanchor(nowNanos) }
        return [.cancelTick, .loadState(target)]
    }

    /// Applies exactly one more event and pauses.
    package mutating func stepForward() -> [Action] {
        isPlaying = false
        guard version < span.lastVersion else { return [.cancelTick, .ended] }
        return [.cancelTick, .applyThroughVersion(version + 1)]
    }

    /// Goes back exactly one event and pauses.
    package mutating func stepBack() -> [Action] {
        isPlaying = false
        guard version > span.firstVersion else { return [.cancelTick] }
        return [.cancelTick, .loadState(.version(version - 1))]
    }

    package mutating func play(nowNanos: UInt64) -> [Action] {
        guard playheadMicros < span.endMicros else { return [.ended] }
        isPlaying = true
        reanchor(nowNanos)
        return tick(nowNanos: nowNanos)
    }

    package mutating func pause(nowNanos: UInt64) -> [Action] {
        if isPlaying { playheadMicros = playhead(at: nowNanos) }
        isPlaying = false
        return [.cancelTick]
    }

    /// Changes the speed (0.25x to 8x); playback continues from where it is.
    package mutating func setSpeed(_ newSpeed: Double, nowNanos: UInt64) throws(ReplayError) -> [Action] {
        guard Self.speeds.contains(newSpeed) else {
            throw ReplayError(.invalidArgument, "Speed \(newSpeed)x is outside 0.25x to 8x")
        }
        if isPlaying { playheadMicros = playhead(at: nowNanos) }
        speed = newSpeed
        guard isPlaying else { return [] }
        reanchor(nowNanos)
        return [.cancelTick] + tick(nowNanos: nowNanos)
    }

    /// While playing: applies what is due at the playhead.
    package mutating func tick(nowNanos: UInt64) -> [Action] {
        guard isPlaying else { return [] }
        let head = playhead(at: nowNanos)
        playheadMicros = head
        if head >= span.endMicros {
            isPlaying = false
            playheadMicros = span.endMicros
            return [.applyThroughTime(micros: span.endMicros), .ended]
        }
        return [.applyThroughTime(micros: head)]
    }

    /// The driver loaded or applied events: the state is now at `version`, recorded at
    /// `sceneTimeMicros`; `nextEventMicros` is when the following event was recorded (nil
    /// at the end of the ledger). While playing, schedules the tick that applies it.
    package mutating func loaded(version: Int64, sceneTimeMicros: Int64, nextEventMicros: Int64?, nowNanos: UInt64) -> [Action] {
        self.version = version
        self.sceneTimeMicros = sceneTimeMicros
        if !isPlaying {
            playheadMicros = max(min(playheadMicros, span.endMicros), sceneTimeMicros)
            if playheadMicros > sceneTimeMicros, nextEventMicros.map({ $0 <= playheadMicros }) == true {
                playheadMicros = sceneTimeMicros
            }
            return []
        }
        let head = playhead(at: nowNanos)
        let due = min(nextEventMicros ?? span.endMicros, span.endMicros)
        guard due > head else { return [.scheduleTick(afterNanos: 0)] }
        let wallMicros = Double(due - head) / speed
        return [.scheduleTick(afterNanos: UInt64((wallMicros * 1_000).rounded(.up)))]
    }

    /// Scene time at a wall-clock instant while playing.
    package func playhead(at nowNanos: UInt64) -> Int64 {
        guard isPlaying else { return playheadMicros }
        let elapsedMicros = Double(nowNanos &- anchorWall) / 1_000
        return anchorScene + Int64((elapsedMicros * speed).rounded(.down))
    }

    private mutating func reanchor(_ nowNanos: UInt64) {
        anchorScene = playheadMicros
        anchorWall = nowNanos
    }
}
