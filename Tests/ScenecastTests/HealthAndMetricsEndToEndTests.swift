import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing

@Suite("/health and /api/metrics against a live scenecast serve", .serialized)
struct HealthAndMetricsEndToEndTests {
    @Test("/health names the renderer's EGL platform; client reports are summarized there, and bad ones refused")
    func healthAndMetrics() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "3"])

        let health = try JSONValue.parse(try HTTP.get(port: server.port, path: "/health").body)
        #expect(health["renderer"]?["available"] == .bool(true))
        let platform = try #require(health["renderer"]?["platform"]?.stringValue)
        #expect(["surfaceless", "device"].contains(platform))
        #expect(health["renderer"]?["renderer"]?.stringValue?.isEmpty == false)
        #expect(health["clients"]?["reporting"] == 0)

        let participant = UUID().uuidString.lowercased()
        let report = """
            {"scene":null,"participant":"\(participant)","mode":"video","role":"driver","at":1,
             "quality":{"fps":58.5,"rttMs":0.4,"bitrateKbps":2400,"lossPercent":0,"decodeMs":2.1,"decoder":"FFmpeg"},
             "latency":{"count":100,"lost":0,"p50":31.2,"p95":44,"p99":null}}
            """
        let accepted = try HTTP.post(port: server.port, path: "/api/metrics", body: Array(report.utf8))
        #expect(accepted.status == 204)
        let after = try JSONValue.parse(try HTTP.get(port: server.port, path: "/health").body)
        #expect(after["clients"]?["reporting"] == 1)
        #expect(after["clients"]?["minFps"] == .number(58.5))
        #expect(after["clients"]?["worstLatencyP50Ms"] == .number(31.2))

        // Bad reports get a structured error naming the field, and change nothing.
        let cases: [(body: String, status: Int, code: String)] = [
            ("not json", 400, "bad_json"),
            ("[]", 400, "wrong_type"),
            (#"{"quality":{}}"#, 400, "missing_field"),
            (#"{"participant":"nope"}"#, 400, "out_of_range"),
            (#"{"participant":"\#(participant)","quality":{"fps":-1}}"#, 400, "out_of_range"),
            (#"{"participant":"\#(participant)","latency":{"p50":"fast"}}"#, 400, "out_of_range"),
            (String(repeating: " ", count: 20_000) + "{}", 413, "too_large"),
        ]
        for item in cases {
            let answer = try HTTP.post(port: server.port, path: "/api/metrics", body: Array(item.body.utf8))
            #expect(answer.status == item.status, "\(item.body.prefix(40))")
            #expect(try JSONValue.parse(answer.body)["error"]?["code"]?.stringValue == item.code, "\(item.body.prefix(40))")
        }
        let last = try JSONValue.parse(try HTTP.get(port: server.port, path: "/health").body)
        #expect(last["clients"]?["reporting"] == 1)
        #expect(last["clients"]?["minFps"] == .number(58.5))
        #expect(await server.stop() == 0)
    }
}
