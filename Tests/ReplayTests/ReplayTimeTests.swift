import Foundation
import Replay
import SceneLedger
import Testing

@Suite("Replay TIME parsing and resolution")
struct ReplayTimeTests {
    @Test("offsets from the session's start, in every accepted spelling", arguments: [
        ("90s", Int64(90_000_000)), ("1m30s", 90_000_000), ("+00:01:30", 90_000_000), ("00:01:30", 90_000_000),
        ("+01:30", 90_000_000), ("1h", 3_600_000_000), ("1h2m3s", 3_723_000_000), ("250ms", 250_000), ("1.5s", 1_500_000),
        ("+00:00:01.25", 1_250_000), ("0s", 0),
    ])
    func offsets(text: String, micros: Int64) throws {
        #expect(try ReplayTime.parse(text) == .offset(micros: micros))
    }

    @Test("versions and ISO-8601 times")
    func versionsAndTimes() throws {
        #expect(try ReplayTime.parse("v1234") == .version(1234))
        #expect(try ReplayTime.parse("2026-11-24T21:03:00Z") == .absolute(micros: 1_795_554_180_000_000))
        #expect(try ReplayTime.parse("2026-11-24T22:03:00.5+01:00") == .absolute(micros: 1_795_554_180_500_000))
        #expect(try ReplayTime.parse("2026-11-24T21:03:00.000001Z") == .absolute(micros: 1_795_554_180_000_001))
    }

    @Test("anything else is one clear error", arguments: ["", "soon", "v", "v-3", "90", "30s1m", "1x", "+00:61:00", "2026-13-01T00:00:00Z", "1..5s", "2026-11-24T21:03:00"])
    func rejects(text: String) {
        let error = #expect(throws: ReplayError.self) { try ReplayTime.parse(text) }
        #expect(error?.code == .invalidTime)
        #expect(error?.message.contains("is not a time") == true)
    }

    let span = SessionSpan(startMicros: 1_000_000_000, endMicros: 1_120_000_000, firstVersion: 10, lastVersion: 50)

    @Test("a time inside the session resolves; outside it is out of range")
    func resolution() throws {
        #expect(try span.resolve(.offset(micros: 90_000_000), text: "90s") == .time(micros: 1_090_000_000))
        #expect(try span.resolve(.version(10), text: "v10") == .version(10))
        #expect(try span.resolve(.absolute(micros: 1_120_000_000), text: "t") == .time(micros: 1_120_000_000))
        for (time, text) in [
            (ReplayTime.offset(micros: 121_000_000), "121s"), (.version(9), "v9"), (.version(51), "v51"),
            (.absolute(micros: 999_999_999), "early"),
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
