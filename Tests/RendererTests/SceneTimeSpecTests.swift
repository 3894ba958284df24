import Foundation
import Renderer
import Testing

@Suite("Times written for --at")
struct SceneTimeSpecTests {
    @Test("versions, ISO-8601 times and offsets in every accepted spelling")
    func accepted() throws {
        #expect(try SceneTimeSpec.parse("v1234") == .version(1234))
        for text in ["90s", "1m30s", "+00:01:30", "00:01:30", "01:30", "+1:30", "1m30.0s", " 90s "] {
            #expect(try SceneTimeSpec.parse(text) == .offset(micros: 90_000_000), "\(text)")
        }
        #expect(try SceneTimeSpec.parse("1.5s") == .offset(micros: 1_500_000))
        #expect(try SceneTimeSpec.parse("250ms") == .offset(micros: 250_000))
        #expect(try SceneTimeSpec.parse("2h") == .offset(micros: 7_200_000_000))
        #expect(try SceneTimeSpec.parse("1h2m3s") == .offset(micros: 3_723_000_000))
        #expect(try SceneTimeSpec.parse("0s") == .offset(micros: 0))
        // 2026-11-24T21:05:00Z is 1,795,554,300 s after the epoch.
        #expect(try SceneTimeSpec.parse("2026-11-24T21:05:00Z") == .instant(micros: 1_795_554_300_000_000))
        #expect(try SceneTimeSpec.parse("2026-11-24T21:05:00.250Z") == .instant(micros: 1_795_554_300_250_000))
    }

    @Test("anything else is an invalid argument that names the accepted forms",
          arguments: ["", "90", "abc", "v", "vx", "v-3", "1s30m", "30s30s", "+00:61:00", "1:5", "1::30", "2026-13-40T99:00:00Z", "-5s", "1e3s"])
    func rejected(text: String) {
        #expect {
            _ = try SceneTimeSpec.parse(text)
        } throws: { error in
            let error = error as? RendererError
            return error?.code == .invalidArgument && error?.message.contains("90s") == true
        }
    }
}
