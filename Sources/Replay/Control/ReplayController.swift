package import SceneLedger

/// The protocol side of a replay view: applies decoded control messages to a
/// `ReplayCursor` (resolving seek TIMEs against the session's span) and describes where
/// the view stands as a `replay:state` message. Pure: the driver passes the wall clock in,
/// performs the cursor actions and reports loads back through `loaded`.
package struct ReplayController: Sendable {
    /// At most this many event marks go to a client; more are sampled evenly.
    package static let maxMarks = 2_000

    package private(set) var cursor: ReplayCursor
    /// Which `replay:state`s go out while playing (see `ReplayStateThrottle`).
    package private(set) var throttle: ReplayStateThrottle
    /// The recorded times of the session's events, sampled to at most `maxMarks`.
    package let marks: [Int64]

    package init(span: SessionSpan, eventTimesMicros: [Int64], throttle: ReplayStateThrottle = ReplayStateThrottle()) {
        self.cursor = ReplayCursor(span: span)
        self.throttle = throttle
        self.marks = Self.sample(eventTimesMicros, max: Self.maxMarks)
    }

    package var span: SessionSpan { cursor.span }

    /// Applies one control message. A bad TIME, a time or version outside the session or a
    /// speed out of range is an error and leaves the cursor unchanged.
    package mutating func handle(_ control: ReplayControl, nowNanos: UInt64) throws(ReplayError) -> [ReplayCursor.Action] {
        switch control {
        case .seek(let text):
            let time = try SceneTimeSpec.replayTime(text)
            let target = try span.resolve(time, text: text)
            return cursor.seek(to: target, nowNanos: nowNanos)
        case .play(let speed):
            var actions: [ReplayCursor.Action] = []
            if let speed { actions += try cursor.setSpeed(speed, nowNanos: nowNanos) }
            return cursor.isPlaying ? actions : actions + cursor.play(nowNanos: nowNanos)
        case .pause:
            return cursor.pause(nowNanos: nowNanos)
        case .step(let forward):
            return forward ? cursor.stepForward() : cursor.stepBack()
        case .speed(let speed):
            return try cursor.setSpeed(speed, nowNanos: nowNanos)
        }
    }

    /// A scheduled tick fired.
    package mutating func tick(nowNanos: UInt64) -> [ReplayCursor.Action] { cursor.tick(nowNanos: nowNanos) }

    /// The driver loaded or applied events (see `ReplayCursor.loaded`).
    package mutating func loaded(version: Int64, sceneTimeMicros: Int64, nextEventMicros: Int64?, nowNanos: UInt64) -> [ReplayCursor.Action] {
        cursor.loaded(version: version, sceneTimeMicros: sceneTimeMicros, nextEventMicros: nextEventMicros, nowNanos: nowNanos)
    }

    /// Whether the `replay:state` after a control message, playback or the session's end
    /// goes out now, waits for a flush, or is already covered by a scheduled one.
    package mutating func stateDecision(after cause: ReplayStateThrottle.Cause, nowNanos: UInt64) -> ReplayStateThrottle.Decision {
        throttle.decide(cause, nowNanos: nowNanos)
    }

    /// A scheduled flush fired: true when the newest state should go out now.
    package mutating func flushState(nowNanos: UInt64) -> Bool { throttle.flush(nowNanos: nowNanos) }

    /// `replay:state`: the version and scene time shown, the playhead, play state, speed,
    /// the session's span and (with `includeMarks`, for the first state) the event marks.
    /// Times are ISO-8601 strings with their microseconds beside them.
    package func stateMessage(nowNanos: UInt64, includeMarks: Bool) -> JSONValue {
        let span = self.span
        var fields: [String: JSONValue] = [
            "type": "replay:state",
            "version": .number(Double(cursor.version)),
            "sceneTime": .string(AuditTime.iso(cursor.sceneTimeMicros)),
            "sceneTimeUs": .number(Double(cursor.sceneTimeMicros)),
            "playheadUs": .number(Double(cursor.playhead(at: nowNanos))),
            "playing": .bool(cursor.isPlaying),
            "speed": .number(cursor.speed),
            "span": .object([
                "start": .string(AuditTime.iso(span.startMicros)), "end": .string(AuditTime.iso(span.endMicros)),
                "startUs": .number(Double(span.startMicros)), "endUs": .number(Double(span.endMicros)),
                "firstVersion": .number(Double(span.firstVersion)), "lastVersion": .number(Double(span.lastVersion)),
            ]),
        ]
        if includeMarks { fields["marks"] = .array(marks.map { .number(Double($0)) }) }
        return .object(fields)
    }

    /// `{"type":"replay:error","code":…,"message":…}` for a control message that failed.
    package static func errorMessage(_ error: ReplayError) -> JSONValue {
        .object(["type": "replay:error", "code": .string(error.code.rawValue), "message": .string(error.message)])
    }

    /// At most `max` of `times`, evenly spaced by index, keeping the first and the last.
    package static func sample(_ times: [Int64], max: Int) -> [Int64] {
        guard times.count > max, max > 1 else { return max > 0 ? Array(times.prefix(max)) : [] }
        let last = times.count - 1
        return (0..<max).map { times[$0 * last / (max - 1)] }
    }
}
