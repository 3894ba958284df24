import SceneLedger
import Testing
@testable import Streamer

@Suite("ICE configuration")
struct ICEConfigurationTests {
    @Test("STUN and TURN URLs parse, with credentials for TURN, into browser and webrtcbin forms")
    func parse() throws {
        let stun = try ICEConfiguration.parseServer("stun:stun.example.org:3478")
        #expect(stun == .init(url: "stun:stun.example.org:3478", username: nil, credential: nil))
        let turn = try ICEConfiguration.parseServer("turn:ada:s3cret@turn.example.org:3478")
        #expect(turn == .init(url: "turn:turn.example.org:3478", username: "ada", credential: "s3cret"))
        let config = ICEConfiguration(servers: [stun, turn])
        #expect(config.webrtcSTUN == "stun://stun.example.org:3478")
        #expect(config.webrtcTURN == ["turn://ada:s3cret@turn.example.org:3478"])
        #expect(config.browserServers == [
            ["urls": ["stun:stun.example.org:3478"]],
            ["urls": ["turn:turn.example.org:3478"], "username": "ada", "credential": "s3cret"],
        ])
    }

    @Test("bad URLs and addresses are refused with a sentence naming them")
    func refuse() {
        #expect(throws: StreamerError.self) { try ICEConfiguration.parseServer("http://x") }
        #expect(throws: StreamerError.self) { try ICEConfiguration.parseServer("turn:turn.example.org") }
        #expect(throws: StreamerError.self) { try ICEConfiguration.parseServer("stun:") }
        #expect(throws: StreamerError.self) { try ICEConfiguration.checkAddress("localhost") }
        #expect((try? ICEConfiguration.checkAddress("127.0.0.1")) != nil)
    }
}
