import Foundation
import Replay
import SceneLedger
import Testing

@Suite("Replay TIME parsing and resolution")
struct ReplayTimeTests {
    @Test("a TIME that does not parse is one invalid_time sentence naming the forms")
    func rejects() {
        let error = #expect(throws: ReplayError.self) { try SceneTimeSpec.replayTime("soon") }
        #expect(error?.code == .invalidTime)
        #expect(error?.message.contains("\"soon\" is not a time") == true)
        #expect(error?.message.contains("90s") == true)
    }

    let span = SessionSpan(startMicros: 1_000_000_000, endMicros: 1_120_000_000, firstVersion: 10, lastVersion: 50)

    @Test("a time inside the session resolves; outside it is out of range")
    func resolution() throws {
        #expect(try span.resolve(.offset(micros: 90_000_000), text: "90s") == .time(micros: 1_090_000_000))
        #expect(try span.resolve(.version(10), text: "v10") == .version(10))
        #expect(try span.resolve(.instant(micros: 1_120_000_000), text: "t") == .time(micros: 1_120_000_000))
        for (time, text) in [
            (SceneTimeSpec.offset(micros: 121_000_000), "121s"), (.version(9), "v9"), (.version(51), "v51"),
            (.instant(micros: 999_999_999), "early"),
        ] {
            let error = #expect(throws: ReplayError.self) { try span.resolve(time, text: text) }
            #expect(error?.code == .outOfRange)
            #expect(error?.message.hasPrefix(text) == true)
        }
    }

    @Test("ISO-8601 formatting round-trips through parsing, before and after the epoch")
    func isoRoundTrip() {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<2_000 {
            let micros = Int64(bitPattern: rng.next() % 8_000_000_000_000_000) - 2_000_000_000_000_000
            let text = AuditTime.iso(micros)
            #expect(AuditTime.parseISO(text) == micros, "\(text)")
        }
        #expect(AuditTime.iso(0) == "1970-01-01T00:00:00.000000Z")
        #expect(AuditTime.iso(951_782_400_000_001) == "2000-02-29T00:00:00.000001Z")
        #expect(AuditTime.iso(-1) == "1969-12-31T23:59:59.999999Z")
    }
}
