import CommandBus
import Foundation
import SceneLedger
import Testing
@testable import Streamer

/// The one decoder of what clients send, on the WebSocket and the data channels.
@Suite("Client messages, decoded in one place")
struct ClientMessageTests {
    func session(_ text: String) -> Result<ClientMessage, ClientMessage.Refusal> {
        ClientMessage.decode(Array(text.utf8), phase: .session)
    }

    func opening(_ text: String) -> Result<ClientMessage, ClientMessage.Refusal> {
        ClientMessage.decode(Array(text.utf8), phase: .opening)
    }

    /// The kind of a decoded message, or the refusal's code.
    func kind(_ result: Result<ClientMessage, ClientMessage.Refusal>) -> String {
        switch result {
        case .success(.join(let r)): "join \(r.role.rawValue)"
        case .success(.replayOpen(let o)): "replay:open \(o.width ?? 0)x\(o.height ?? 0)"
        case .success(.signal(.answer(let sdp))): "answer \(sdp.utf8.count)"
        case .success(.signal(.ice(let candidate, let mline))): "ice \(candidate.isEmpty ? "end" : "candidate") \(mline)"
        case .success(.signal(.view(let follow))): "view \(follow)"
        case .success(.signal(.bye)): "signal bye"
        case .success(.bye): "bye"
        case .success(.replayControl(let v)): "control \(v["type"]?.stringValue ?? "")"
        case .success(.command): "command"
        case .success(.unreadable): "unreadable"
        case .failure(.command(let e)): "refused \(e.code.rawValue)"
        case .failure(.replay(let m)): "replay refused: \(m)"
        }
    }

    @Test("after the opening: answers, candidates, view, bye, replay controls; everything else is a command")
    func sessionKinds() {
        #expect(kind(session(#"{"type":"answer","sdp":"v=0\r\n"}"#)) == "answer 5")
        #expect(kind(session(#"{"type":"ice","candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMLineIndex":0,"sdpMid":"video0"}"#)) == "ice candidate 0")
        #expect(kind(session(#"{"type":"ice","candidate":""}"#)) == "ice end 0")
        #expect(kind(session(#"{"type":"view","follow":false}"#)) == "view false")
        #expect(kind(session(#"{"type":"bye"}"#)) == "bye")
        #expect(kind(session(#"{"type":"bye","padding":"\#(String(repeating: "x", count: 80))"}"#)) == "command", "a bye is short")
        #expect(kind(session(#"{"type":"replay:seek","to":"v3"}"#)) == "control replay:seek")
        #expect(kind(session(#"{"id":"x","type":"camera:orbit","timestamp":1,"data":{}}"#)) == "command")
        #expect(kind(session(#"[1,2]"#)) == "command")
        #expect(kind(session("not json")) == "unreadable")
        let huge = #"{"type":"answer","sdp":""# + String(repeating: "a", count: ClientMessage.maxBytes) + #""}"#
        #expect(kind(session(huge)) == "unreadable", "too large to read here: the host answers too_large")
    }

    @Test("malformed answers, candidates and views get structured errors")
    func malformedSignalling() {
        #expect(kind(session(#"{"type":"answer"}"#)) == "refused missing_field")
        #expect(kind(session(#"{"type":"answer","sdp":5}"#)) == "refused wrong_type")
        #expect(kind(session(#"{"type":"answer","sdp":"hello"}"#)) == "refused out_of_range")
        #expect(kind(session(#"{"type":"answer","sdp":"v=0","extra":1}"#)) == "refused unexpected_field")
        #expect(kind(session(#"{"type":"ice","sdpMLineIndex":0}"#)) == "refused missing_field")
        #expect(kind(session(#"{"type":"ice","candidate":"a=candidate"}"#)) == "refused out_of_range")
        #expect(kind(session(#"{"type":"ice","candidate":"candidate:1","sdpMLineIndex":0.5}"#)) == "refused wrong_type")
        #expect(kind(session(#"{"type":"ice","candidate":"candidate:1","sdpMLineIndex":99}"#)) == "refused out_of_range")
        #expect(kind(session(#"{"type":"view","follow":"yes"}"#)) == "refused wrong_type")
        #expect(kind(session(#"{"type":"view"}"#)) == "refused missing_field")
    }

    @Test("the opening takes a join or a replay:open, each read strictly")
    func openingKinds() {
        #expect(kind(opening(#"{"type":"join","scene":"demo","role":"observer","name":"Ada"}"#)) == "join observer")
        #expect(kind(opening(#"{"type":"replay:open","session":"\#(UUID().uuidString)","width":640,"height":360}"#)) == "replay:open 640x360")
        #expect(kind(opening(#"{"type":"camera:orbit"}"#)) == "refused not_joined")
        #expect(kind(opening("{")) == "refused bad_json")
        #expect(kind(opening(#"{"type":"join","scene":"demo","role":"pilot","name":"Ada"}"#)).hasPrefix("refused "))
        #expect(kind(opening(#"{"type":"replay:open"}"#)) == #"replay refused: replay:open needs "session": the session's id (a UUID)"#)
        #expect(kind(opening(#"{"type":"replay:open","session":"\#(UUID().uuidString)","width":8}"#)).contains("whole number from 16 to 4096"))
        #expect(kind(opening(#"{"type":"replay:open","session":"\#(UUID().uuidString)","speed":2}"#)).contains("takes no field \"speed\""))
    }
}
