import SceneLedger
import Testing

@testable import ScenecastBench

@Suite("The stream bench's figures over several runs")
struct StreamFiguresTests {
    /// The RESULT lines one run of Tests/Browser/bench_stream.py prints, with the given figures.
    func results(p50: Double, p95: Double, first: Double, orbit: Double, held: Int, browser: Double? = nil) throws -> [JSONValue] {
        var lines = [
            #"{"kind":"first-frame","ms":\#(first),"samples":[\#(first)]}"#,
            #"{"kind":"latency","p50":\#(p50),"p95":\#(p95),"p99":\#(p95 + 3),"count":100,"lost":0,"received_p50":8.2"#
                + (browser.map { #","browser_p50":\#($0)}"# } ?? "}"),
            #"{"kind":"orbit","fps":\#(orbit)}"#,
            #"{"kind":"cpu","percent_per_view":100}"#,
            #"{"kind":"observers","held":\#(held),"tried":\#(held),"slowest_fps":29.7}"#,
        ]
        lines.append(#"{"kind":"browser","jitter_buffer_ms":0.7,"decode_ms":1.1,"decoder":""}"#)
        return try lines.map { try JSONValue.parse($0) }
    }

    @Test("one run's final line carries its own figures, in the form the issue fixes")
    func oneRun() throws {
        let figures = try StreamFigures(results(p50: 17.64, p95: 25.7, first: 393.7, orbit: 58.2, held: 60, browser: 9.3))
        #expect(figures.finalLine == "stream: p50 17.6 ms, p95 25.7 ms, first-frame 394 ms, orbit 58 fps, observers 60")
        #expect(figures.runLine.hasSuffix("(sent to received 8.2 ms, received to displayed 9.3 ms)"))
        #expect(figures.decoder == nil)
        // The bench takes the median of its runs however many there are; of one run, that run.
        #expect(StreamFigures(medianOf: [figures]).finalLine == figures.finalLine)
        // Figures the script did not report are left out, not printed as numbers.
        #expect(!figures.detailLines(runs: 1).contains { $0.hasPrefix("while the plant animates") })
    }

    @Test("several runs report the median of each figure, not one run's line")
    func medians() throws {
        let runs = try [
            StreamFigures(results(p50: 17.6, p95: 25.7, first: 394, orbit: 58, held: 60)),
            StreamFigures(results(p50: 34.8, p95: 44.6, first: 376, orbit: 55, held: 60)),
            StreamFigures(results(p50: 19.9, p95: 35.7, first: 520, orbit: 57, held: 55)),
        ]
        let median = StreamFigures(medianOf: runs)
        #expect(median.finalLine == "stream: p50 19.9 ms, p95 35.7 ms, first-frame 394 ms, orbit 57 fps, observers 60")
        #expect(median.detailLines(runs: 3)[0] == "input-to-photon over 100 probes (0 lost), medians of 3 runs: p50 19.9 ms, p95 35.7 ms, p99 38.7 ms")
        // A figure only some runs reported takes the median of those.
        #expect(median.browserP50.isNaN)
    }

    @Test("a run without one of the final line's figures is an error that names it")
    func missingFigure() throws {
        let partial = try results(p50: 17.6, p95: 25.7, first: 394, orbit: 58, held: 60).filter { $0["kind"]?.stringValue != "orbit" }
        #expect {
            try StreamFigures(partial)
        } throws: { error in
            "\(error)".contains("no orbit figure")
        }
    }
}
