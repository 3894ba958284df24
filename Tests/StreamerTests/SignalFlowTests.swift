import CommandBus
import Foundation
import SceneLedger
import Testing
@testable import Streamer

/// The `/signal` flow without I/O: what each message does in each state.
@Suite("The /signal flow as a state machine")
struct SignalFlowTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    let join = #"{"type":"join","scene":"demo","role":"driver","name":"Ada","media":"video","width":640,"height":360}"#
    let plainJoin = #"{"type":"join","scene":"demo","role":"observer","name":"Bo"}"#
    let orbit = #"{"id":"6f1c1d5e-1c8c-4a53-9a53-2b5f7d1f0e11","type":"camera:orbit","timestamp":1,"data":{"dAzimuth":5,"dElevation":0}}"#

    func lines(_ actions: [SignalFlow.Action]) -> [String] { actions.map(\.description) }

    @Test("a video join: join, then the video in the codec both sides have; commands go to the host from socket and channel")
    func liveVideo() {
        var flow = SignalFlow(codecs: [.h264, .vp8])
        #expect(lines(flow.handle(.socket(bytes(join)))) == ["join video"])
        #expect(flow.handle(.socket(bytes(orbit))).isEmpty, "nothing is read while the join is made")
        #expect(lines(flow.handle(.joined)) == ["startVideo H264 640x360"])
        #expect(flow.state == .live(video: true))
        #expect(lines(flow.handle(.socket(bytes(orbit)))) == ["command \(orbit)"])
        #expect(lines(flow.handle(.channel(bytes(orbit)))) == ["command \(orbit)"])
        #expect(lines(flow.handle(.socket(bytes("garbage")))) == ["command garbage"], "the host's decoder answers bad_json")
        #expect(lines(flow.handle(.socket(bytes(#"{"type":"answer","sdp":"v=0"}"#)))) == ["signal answer(sdp: \"v=0\")"])
        #expect(lines(flow.handle(.socket(bytes(#"{"type":"ice","candidate":"bogus"}"#)))).first?.hasPrefix("error out_of_range") == true)
        #expect(lines(flow.handle(.socket(bytes(#"{"type":"bye"}"#)))) == ["end"])
        #expect(flow.state == .closed)
        #expect(flow.handle(.socketClosed).isEmpty, "the session ends once")
        #expect(flow.handle(.socket(bytes(orbit))).isEmpty)
    }

    @Test("without video: signalling is refused with no_media, a closed socket ends the session")
    func liveWithoutVideo() {
        var flow = SignalFlow(codecs: [.h264])
        _ = flow.handle(.socket(bytes(plainJoin)))
        #expect(flow.handle(.joined).isEmpty)
        #expect(flow.state == .live(video: false))
        #expect(lines(flow.handle(.socket(bytes(#"{"type":"answer","sdp":"v=0"}"#)))).first?.hasPrefix("error no_media") == true)
        #expect(lines(flow.handle(.socketClosed)) == ["end"])
    }

    @Test("no codec in common, or no streaming: joined without video, told why")
    func noVideo() {
        var vp8Only = SignalFlow(codecs: [.vp8])
        _ = vp8Only.handle(.socket(bytes(#"{"type":"join","scene":"demo","role":"driver","name":"Ada","media":"video","codecs":["H264"]}"#)))
        let refused = lines(vp8Only.handle(.joined))
        #expect(refused.count == 1 && refused[0].hasPrefix("error no_media: this server streams VP8"))
        #expect(vp8Only.state == .live(video: false))
        var none = SignalFlow(codecs: nil)
        _ = none.handle(.socket(bytes(join)))
        #expect(lines(none.handle(.joined)).first?.contains("does not stream video") == true)
    }

    @Test("before a session: malformed or refused joins are answered and the client may try again")
    func opening() {
        var flow = SignalFlow(codecs: [.h264])
        #expect(lines(flow.handle(.socket(bytes(orbit)))).first?.hasPrefix("error not_joined") == true)
        #expect(lines(flow.handle(.socket(bytes("{")))).first?.hasPrefix("error bad_json") == true)
        #expect(lines(flow.handle(.socket(bytes(join)))) == ["join video"])
        #expect(lines(flow.handle(.joinFailed(CommandError(.unknownScene, "no such scene")))) == ["error unknown_scene: no such scene"])
        #expect(flow.state == .opening)
        #expect(lines(flow.handle(.socket(bytes(plainJoin)))) == ["join none"])
        #expect(flow.handle(.replayOpened).isEmpty, "an outcome that does not fit the state changes nothing")
        #expect(flow.state == .joining(try! JoinRequest.decode(bytes(plainJoin)).get()))
        #expect(flow.handle(.socketClosed).isEmpty, "nothing was open")
    }

    @Test("a replay: opened, its video started; controls from socket and channel, commands refused, signalling to the media")
    func replay() {
        let session = UUID()
        var flow = SignalFlow(codecs: [.h264])
        let open = #"{"type":"replay:open","session":"\#(session.uuidString)","width":320,"height":240}"#
        #expect(lines(flow.handle(.socket(bytes(open)))) == ["openReplay \(session.uuidString.lowercased())"])
        #expect(lines(flow.handle(.replayOpened)) == ["startReplayVideo 320x240"])
        #expect(lines(flow.handle(.socket(bytes(#"{"type":"replay:play"}"#)))) == [#"replayControl {"type":"replay:play"}"#])
        #expect(lines(flow.handle(.channel(bytes(#"{"type":"replay:pause"}"#)))) == [#"replayControl {"type":"replay:pause"}"#])
        #expect(lines(flow.handle(.socket(bytes(orbit)))) == ["replay:error invalid_argument: \(SignalFlow.replayTakes)"])
        #expect(lines(flow.handle(.channel(bytes(#"{"type":"answer","sdp":"v=0"}"#)))) == ["replay:error invalid_argument: \(SignalFlow.replayTakes)"])
        #expect(lines(flow.handle(.channel(bytes("nope")))) == ["replay:error invalid_argument: A replay control message must be valid JSON"])
        #expect(lines(flow.handle(.socket(bytes(#"{"type":"answer","sdp":"v=0"}"#)))) == ["signal answer(sdp: \"v=0\")"])
        #expect(lines(flow.handle(.socketClosed)) == ["end"])
    }

    @Test("replays need streaming; a replay that cannot open returns to the opening")
    func replayRefused() {
        let open = #"{"type":"replay:open","session":"\#(UUID().uuidString)"}"#
        var none = SignalFlow(codecs: nil)
        #expect(lines(none.handle(.socket(bytes(open)))) == ["replay:error invalid_argument: This server does not stream video, so it cannot show a replay"])
        var flow = SignalFlow(codecs: [.h264])
        _ = flow.handle(.socket(bytes(open)))
        #expect(lines(flow.handle(.replayFailed(code: "unknown_session", message: "no such session"))) == ["replay:error unknown_session: no such session"])
        #expect(flow.state == .opening)
        #expect(lines(flow.handle(.socket(bytes(#"{"type":"replay:open"}"#)))).first?.hasPrefix("replay:error invalid_argument: replay:open needs") == true)
    }
}
