import Replay
import SceneLedger
import Testing

@Suite("Replay control messages")
struct ReplayControlTests {
    /// A session from scene time 1 s to 11 s, versions 1 to 100.
    let span = SessionSpan(startMicros: 1_000_000, endMicros: 11_000_000, firstVersion: 1, lastVersion: 100)

    func decode(_ text: String) throws -> ReplayControl {
        try ReplayControl.decode(try JSONValue.parse(text))
    }

    func code(_ text: String) -> String? {
        do { _ = try decode(text) } catch let error as ReplayError { return error.code.rawValue } catch { return "other" }
        return nil
    }

    @Test("each control message decodes to its case")
    func decodes() throws {
        #expect(try decode(#"{"type":"replay:seek","at":"v12"}"#) == .seek(at: "v12"))
        #expect(try decode(#"{"type":"replay:play"}"#) == .play(speed: nil))
        #expect(try decode(#"{"type":"replay:play","speed":2}"#) == .play(speed: 2))
        #expect(try decode(#"{"type":"replay:pause"}"#) == .pause)
        #expect(try decode(#"{"type":"replay:step","direction":-1}"#) == .step(forward: false))
        #expect(try decode(#"{"type":"replay:step","direction":1}"#) == .step(forward: true))
        #expect(try decode(#"{"type":"replay:speed","speed":0.25}"#) == .speed(0.25))
    }

    @Test("unknown types, extra or missing fields and bad values are invalid_argument")
    func rejects() {
        for bad in [
            #"{"type":"replay:rewind"}"#, #"{"type":"replay:pause","now":true}"#, #"{"type":"replay:seek"}"#,
            #"{"type":"replay:seek","at":5}"#, #"{"type":"replay:step","direction":2}"#, #"{"type":"replay:step"}"#,
            #"{"type":"replay:speed","speed":16}"#, #"{"type":"replay:play","speed":0.1}"#, #"{"type":"replay:speed"}"#,
            #"[1]"#, #"{"at":"v1"}"#,
        ] {
            #expect(code(bad) == "invalid_argument", "\(bad)")
        }
    }

    @Test("a seek resolves its TIME against the span; outside it or unparseable is an error and changes nothing")
    func seek() throws {
        var controller = ReplayController(span: span, eventTimesMicros: [])
        #expect(try controller.handle(.seek(at: "v40"), nowNanos: 0) == [.cancelTick, .loadState(.version(40))])
        #expect(try controller.handle(.seek(at: "2s"), nowNanos: 0) == [.cancelTick, .loadState(.time(micros: 3_000_000))])
        _ = controller.loaded(version: 30, sceneTimeMicros: 2_900_000, nextEventMicros: 3_100_000, nowNanos: 0)
        #expect(throws: ReplayError.self) { try controller.handle(.seek(at: "v101"), nowNanos: 0) }
        #expect(throws: ReplayError.self) { try controller.handle(.seek(at: "20s"), nowNanos: 0) }
        #expect(throws: ReplayError.self) { try controller.handle(.seek(at: "soon"), nowNanos: 0) }
        #expect(controller.cursor.version == 30)
        #expect(controller.cursor.playheadMicros == 3_000_000)
    }

    @Test("play with a speed, pause, step and speed drive the cursor")
    func playback() throws {
        var controller = ReplayController(span: span, eventTimesMicros: [])
        _ = try controller.handle(.seek(at: "v10"), nowNanos: 0)
        _ = controller.loaded(version: 10, sceneTimeMicros: 2_000_000, nextEventMicros: 2_100_000, nowNanos: 0)
        #expect(try controller.handle(.play(speed: 4), nowNanos: 0) == [.applyThroughTime(micros: 2_000_000)])
        #expect(controller.cursor.isPlaying && controller.cursor.speed == 4)
        #expect(throws: ReplayError.self) { try controller.handle(.speed(9), nowNanos: 0) }
        #expect(controller.cursor.speed == 4)
        #expect(try controller.handle(.pause, nowNanos: 1_000_000) == [.cancelTick])
        #expect(controller.cursor.playheadMicros == 2_004_000)
        #expect(try controller.handle(.step(forward: true), nowNanos: 0) == [.cancelTick, .applyThroughVersion(11)])
        #expect(try controller.handle(.step(forward: false), nowNanos: 0) == [.cancelTick, .loadState(.version(9))])
    }

    @Test("replay:state names version, times, play state and span; marks are sampled to the cap")
    func state() throws {
        let times = (0..<5_000).map { Int64(1_000_000 + $0 * 2_000) }
        var controller = ReplayController(span: span, eventTimesMicros: times)
        #expect(controller.marks.count == ReplayController.maxMarks)
        #expect(controller.marks.first == times.first && controller.marks.last == times.last)
        #expect(controller.marks == controller.marks.sorted())
        _ = try controller.handle(.seek(at: "v40"), nowNanos: 0)
        _ = controller.loaded(version: 40, sceneTimeMicros: 5_000_000, nextEventMicros: nil, nowNanos: 0)
        let message = controller.stateMessage(nowNanos: 0, includeMarks: true)
        #expect(message["type"] == "replay:state")
        #expect(message["version"]?.doubleValue == 40)
        #expect(message["sceneTimeUs"]?.doubleValue == 5_000_000)
        #expect(message["sceneTime"]?.stringValue == AuditTime.iso(5_000_000))
        #expect(message["playing"] == false)
        #expect(message["span"]?["lastVersion"]?.doubleValue == 100)
        #expect(message["marks"]?.arrayValue?.count == ReplayController.maxMarks)
        #expect(controller.stateMessage(nowNanos: 0, includeMarks: false)["marks"] == nil)
        #expect(ReplayController.sample([3, 4], max: 2_000) == [3, 4])
    }

    @Test("a failed control message becomes replay:error with its code")
    func errorMessage() {
        let message = ReplayController.errorMessage(ReplayError(.outOfRange, "v101 is outside the session"))
        #expect(message["type"] == "replay:error")
        #expect(message["code"] == "out_of_range")
        #expect(message["message"] == "v101 is outside the session")
    }
}
