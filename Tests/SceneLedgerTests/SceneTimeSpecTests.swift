import Foundation
import SceneLedger
import Testing

@Suite("Times written for --at, --from and --to")
struct SceneTimeSpecTests {
    @Test("offsets in every accepted spelling", arguments: [
        ("90s", Int64(90_000_000)), ("1m30s", 90_000_000), ("+00:01:30", 90_000_000), ("00:01:30", 90_000_000),
        ("+01:30", 90_000_000), ("01:30", 90_000_000), ("+1:30", 90_000_000), ("1m30.0s", 90_000_000), (" 90s ", 90_000_000),
        ("1h", 3_600_000_000), ("2h", 7_200_000_000), ("1h2m3s", 3_723_000_000), ("250ms", 250_000), ("1.5s", 1_500_000),
        ("+00:00:01.25", 1_250_000), ("0s", 0),
    ])
    func offsets(text: String, micros: Int64) {
        #expect(SceneTimeSpec.parse(text) == .offset(micros: micros))
    }

    @Test("versions and ISO-8601 times")
    func versionsAndTimes() {
        #expect(SceneTimeSpec.parse("v1234") == .version(1234))
        // 2026-11-24T21:03:00Z is 1,795,554,180 s after the epoch.
        #expect(SceneTimeSpec.parse("2026-11-24T21:03:00Z") == .instant(micros: 1_795_554_180_000_000))
        #expect(SceneTimeSpec.parse("2026-11-24T22:03:00.5+01:00") == .instant(micros: 1_795_554_180_500_000))
        #expect(SceneTimeSpec.parse("2026-11-24T21:03:00.000001Z") == .instant(micros: 1_795_554_180_000_001))
    }

    @Test("anything else is no time", arguments: [
        "", "soon", "90", "abc", "v", "vx", "v-3", "30s1m", "1s30m", "30s30s", "1x", "+00:61:00", "1:5", "1::30",
        "2026-13-01T00:00:00Z", "2026-11-24T21:03:00", "1..5s", "-5s", "1e3s", "1.1234567s", "١٢s",
    ])
    func rejects(text: String) {
        #expect(SceneTimeSpec.parse(text) == nil)
    }
}
