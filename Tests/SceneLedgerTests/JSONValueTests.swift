import Testing
@testable import SceneLedger

@Suite("Strict JSON and its canonical form")
struct JSONValueTests {
    static let validDocuments: [(String, JSONValue)] = [
        (#"{"a":[1,2.5,-3e2,true,false,null,"x\u00e9\n"]}"#, ["a": [1, 2.5, -300, true, false, nil, "x\u{e9}\n"]]),
        ("  [ ]  ", []),
        ("0", 0),
        (#""\ud83d\ude00""#, "\u{1F600}"),
    ]

    @Test("valid documents parse to their values", arguments: validDocuments)
    func valid(_ text: String, _ expected: JSONValue) throws {
        #expect(try JSONValue.parse(text) == expected)
    }

    @Test("invalid documents are rejected, never crash", arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "NaN", "Infinity", "-", "01", "1.", ".5", "1e", "\"\\x\"", "\"\u{01}\"",
        "{\"a\":1,\"a\":2}", "[1] 2", "tru", "\"\\ud800\"", String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
        "1e999", "{\"a\" 1}", "{1:2}",
    ])
    func invalid(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test("canonical bytes sort keys, drop whitespace and write numbers one way")
    func canonical() throws {
        let value = try JSONValue.parse(#"{ "b": [1.0, 2.50, 1e-5, 123456789012], "a": "q\"\\\n", "é": null, "Z": {} }"#)
        #expect(value.canonicalString == #"{"Z":{},"a":"q\"\\\n","b":[1,2.5,1e-05,123456789012],"é":null}"#)
    }

    @Test("parsing the canonical form gives the same value and the same bytes")
    func roundTrip() throws {
        let value: JSONValue = ["x": [0.1, -0.0, 1e300, 9_007_199_254_740_993.0], "s": "\u{7}tab\t", "n": nil]
        let again = try JSONValue.parse(value.canonicalBytes)
        #expect(again.canonicalBytes == value.canonicalBytes)
        #expect(again["x"]?.arrayValue?.first == .number(0.1))
    }
}
