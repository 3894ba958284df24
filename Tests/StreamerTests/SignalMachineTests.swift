import CommandBus
import SceneLedger
import Testing
@testable import Streamer

/// The video part of a browser's answer that keeps H.264.
let h264Answer = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 H264/90000\r\na=recvonly\r\n"

@Suite("Signalling state machine")
struct SignalMachineTests {
    @Test("the offer goes out with the candidates gathered before it, in order")
    func offerFlushesEarlyCandidates() {
        var machine = SignalMachine()
        #expect(machine.handle(.localCandidate(candidate: "candidate:1 1 UDP 1 127.0.0.1 5000 typ host", mline: 0)).isEmpty)
        let actions = machine.handle(.offerReady(sdp: "v=0\r\n"))
        #expect(actions == [
            .send(["type": "offer", "sdp": "v=0\r\n"]),
            .send(["type": "ice", "candidate": "candidate:1 1 UDP 1 127.0.0.1 5000 typ host", "sdpMLineIndex": 0]),
        ])
        #expect(machine.state == .awaitingAnswer)
        #expect(machine.handle(.localCandidate(candidate: "candidate:2", mline: 0)) == [
            .send(["type": "ice", "candidate": "candidate:2", "sdpMLineIndex": 0])
        ])
    }

    @Test("client candidates before the answer wait for it; after it they apply at once")
    func remoteCandidatesWaitForAnswer() {
        var machine = SignalMachine()
        _ = machine.handle(.offerReady(sdp: "v=0"))
        #expect(machine.handle(.client(.ice(candidate: "candidate:a", mline: 0))).isEmpty)
        #expect(machine.handle(.client(.answer(sdp: h264Answer))) == [
            .applyAnswer(sdp: h264Answer), .addRemoteCandidate(candidate: "candidate:a", mline: 0),
        ])
        #expect(machine.state == .connected)
        #expect(machine.handle(.client(.ice(candidate: "candidate:b", mline: 0))) == [.addRemoteCandidate(candidate: "candidate:b", mline: 0)])
    }

    @Test("an answer out of turn is refused with negotiation_failed, and changes nothing")
    func answerOutOfTurn() {
        var machine = SignalMachine()
        let early = machine.handle(.client(.answer(sdp: "v=0")))
        #expect(early.count == 1)
        guard case .send(let message) = early.first else { Issue.record("expected an error message"); return }
        #expect(message["type"]?.stringValue == "error")
        #expect(message["code"]?.stringValue == "negotiation_failed")
        #expect(machine.state == .offering)
        _ = machine.handle(.offerReady(sdp: "v=0"))
        _ = machine.handle(.client(.answer(sdp: h264Answer)))
        let twice = machine.handle(.client(.answer(sdp: h264Answer)))
        guard case .send(let again) = twice.first else { Issue.record("expected an error message"); return }
        #expect(again["code"]?.stringValue == "negotiation_failed")
        #expect(machine.state == .connected)
    }

    @Test("an answer that drops H.264 (or the video) is refused and closes the peer")
    func answerWithoutH264() {
        #expect(SignalMachine.accepts(.h264, h264Answer))
        let vp8 = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 97\r\na=rtpmap:97 VP8/90000\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
        let rejected = "v=0\r\nm=video 0 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 H264/90000\r\n"
        #expect(!SignalMachine.accepts(.h264, vp8))
        #expect(!SignalMachine.accepts(.h264, rejected))
        var machine = SignalMachine()
        _ = machine.handle(.offerReady(sdp: "v=0"))
        let actions = machine.handle(.client(.answer(sdp: vp8)))
        #expect(actions.last == .closePeer)
        guard case .send(let error) = actions.first else { Issue.record("expected an error message"); return }
        #expect(error["code"]?.stringValue == "negotiation_failed")
        #expect(machine.state == .closed)
    }

    @Test("the commands channel decides where server messages go")
    func routing() {
        var machine = SignalMachine()
        #expect(machine.handle(.channelOpened(.input)).isEmpty)
        #expect(machine.handle(.channelOpened(.commands)) == [.routeToChannel(true)])
        #expect(machine.handle(.channelClosed(.commands)) == [.routeToChannel(false)])
    }

    @Test("bye and a failed peer close the peer; nothing happens afterwards")
    func closing() {
        var machine = SignalMachine()
        #expect(machine.handle(.client(.bye)) == [.routeToChannel(false), .closePeer])
        #expect(machine.handle(.offerReady(sdp: "v=0")).isEmpty)
        var failing = SignalMachine()
        let actions = failing.handle(.peerFailed(message: "no encoder"))
        #expect(actions.last == .closePeer)
        guard case .send(let error) = actions.first else { Issue.record("expected an error message"); return }
        #expect(error["message"]?.stringValue == "no encoder")
        #expect(failing.state == .closed)
    }

    @Test("video sizes: the default, clamping to 1920x1080 with the aspect kept, even numbers")
    func videoSize() {
        #expect(SignalMachine.videoSize(width: nil, height: nil) == (1280, 720))
        #expect(SignalMachine.videoSize(width: 3840, height: 2160) == (1920, 1080))
        #expect(SignalMachine.videoSize(width: 4000, height: 1000) == (1920, 480))
        #expect(SignalMachine.videoSize(width: 641, height: 361) == (640, 360))
        #expect(SignalMachine.videoSize(width: 16, height: 17) == (16, 16))
        // Widths that are not a multiple of 8 would need padded I420 rows.
        #expect(SignalMachine.videoSize(width: 900, height: 757) == (896, 756))
        #expect(SignalMachine.videoSize(width: 1366, height: 768) == (1360, 768))
    }
}
