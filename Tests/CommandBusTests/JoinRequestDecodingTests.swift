import Foundation
import SceneLedger
import Testing
@testable import CommandBus

@Suite("join decoding")
struct JoinRequestDecodingTests {
    func decode(_ text: String) -> Result<JoinRequest, CommandError> { JoinRequest.decode(Array(text.utf8)) }

    @Test("a video join with size and codecs decodes every field")
    func full() throws {
        let request = try decode(
            #"{"type":"join","scene":"demo","role":"observer","name":"Ana","media":"video","width":640,"height":360,"codecs":["video/VP8","video/H264"]}"#
        ).get()
        #expect(request.scene == .demo && request.role == .observer && request.name == "Ana")
        #expect(request.media == "video" && request.width == 640 && request.height == 360)
        #expect(request.codecs == ["video/VP8", "video/H264"])
        #expect(try decode(#"{"type":"join","scene":"demo","role":"driver"}"#).get().codecs.isEmpty)
    }

    @Test("bad codecs, sizes, media and extra fields get structured errors")
    func errors() {
        let cases: [(String, CommandError.Code)] = [
            (#"{"type":"join","scene":"demo","role":"driver","codecs":"H264"}"#, .wrongType),
            (#"{"type":"join","scene":"demo","role":"driver","codecs":[1,2]}"#, .wrongType),
            (#"{"type":"join","scene":"demo","role":"driver","codecs":[""]}"#, .wrongType),
            (#"{"type":"join","scene":"demo","role":"driver","codecs":[\#(Array(repeating: "\"VP8\"", count: 40).joined(separator: ","))]}"#, .wrongType),
            (#"{"type":"join","scene":"demo","role":"driver","width":8,"height":8}"#, .outOfRange),
            (#"{"type":"join","scene":"demo","role":"driver","media":"audio"}"#, .outOfRange),
            (#"{"type":"join","scene":"demo","role":"pilot"}"#, .outOfRange),
            (#"{"type":"join","scene":"demo","role":"driver","colour":"red"}"#, .unexpectedField),
        ]
        for (text, code) in cases {
            guard case .failure(let error) = decode(text) else {
                Issue.record("accepted: \(text)")
                continue
            }
            #expect(error.code == code, "\(text): \(error.message)")
        }
    }
}
