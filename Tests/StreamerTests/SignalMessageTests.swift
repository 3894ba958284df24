import CommandBus
import Testing
@testable import Streamer

@Suite("Signalling messages")
struct SignalMessageTests {
    func classify(_ text: String) -> Result<SignalMessage, CommandError> {
        SignalMessage.classify(Array(text.utf8))
    }

    func code(_ text: String) -> String? {
        if case .failure(let error) = classify(text) { return error.code.rawValue }
        return nil
    }

    @Test("answers, candidates and bye are recognized; everything else is a command")
    func recognized() throws {
        #expect(try classify(#"{"type":"answer","sdp":"v=0\r\n"}"#).get() == .answer(sdp: "v=0\r\n"))
        #expect(try classify(#"{"type":"ice","candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host","sdpMLineIndex":0,"sdpMid":"video0"}"#).get()
            == .ice(candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host", mline: 0))
        #expect(try classify(#"{"type":"ice","candidate":""}"#).get() == .ice(candidate: "", mline: 0))
        #expect(try classify(#"{"type":"bye"}"#).get() == .bye)
        #expect(try classify(#"{"id":"x","type":"camera:orbit","timestamp":1,"data":{}}"#).get() == .command)
        #expect(try classify("not json").get() == .command)
    }

    @Test("malformed answers and candidates get structured errors")
    func malformed() {
        #expect(code(#"{"type":"answer"}"#) == "missing_field")
        #expect(code(#"{"type":"answer","sdp":5}"#) == "wrong_type")
        #expect(code(#"{"type":"answer","sdp":"hello"}"#) == "out_of_range")
        #expect(code(#"{"type":"answer","sdp":"v=0","extra":1}"#) == "unexpected_field")
        #expect(code(#"{"type":"ice","sdpMLineIndex":0}"#) == "missing_field")
        #expect(code(#"{"type":"ice","candidate":"a=candidate"}"#) == "out_of_range")
        #expect(code(#"{"type":"ice","candidate":"candidate:1","sdpMLineIndex":0.5}"#) == "wrong_type")
        #expect(code(#"{"type":"ice","candidate":"candidate:1","sdpMLineIndex":99}"#) == "out_of_range")
    }
}
