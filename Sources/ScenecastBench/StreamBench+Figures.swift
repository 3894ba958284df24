import ScenecastFixtures
import ScenecastTerminal
package import SceneLedger

/// One run's figures from the browser script's `RESULT` lines, and the medians of several runs.
///
/// Runs differ by more than their noise: each launches a fresh headless Chromium, and a
/// launch's display compositor shows video frames either at once or a refresh later for its
/// whole life (docs/streaming.md, "Measured"). One run is one draw of that, so the bench
/// reports the median of each figure over several runs, and every run's own line.
struct StreamFigures {
    var probes = Double.nan
    var lost = Double.nan
    var p50 = Double.nan
    var p95 = Double.nan
    var p99 = Double.nan
    var receivedP50 = Double.nan
    var browserP50 = Double.nan
    var jitterBufferMs = Double.nan
    var decodeMs = Double.nan
    var decoder: String?
    var firstFrameMs = Double.nan
    var animatingFPS = Double.nan
    var animatingCPU = Double.nan
    var orbitFPS = Double.nan
    var cpuPerView = Double.nan
    var observersHeld = Double.nan
    var observersTried = Double.nan
    var observersSlowestFPS = Double.nan
    var orbitingReceivers = Double.nan
    var orbitingSlowestFPS = Double.nan
    var orbitingMedianFPS = Double.nan
    /// Where the frames go while orbiting, per second: the page's input steps, scene
    /// changes the view took, frames rendered (and their mean render-plus-readback time),
    /// pushed to the encoder, encoded, received, decoded and dropped by the browser.
    var orbitInput = Double.nan
    var orbitChanges = Double.nan
    var orbitRendered = Double.nan
    var orbitRenderMs = Double.nan
    var orbitPushed = Double.nan
    var orbitEncoded = Double.nan
    var orbitReceived = Double.nan
    var orbitDecoded = Double.nan
    var orbitDropped = Double.nan

    /// Every number, for taking medians field by field.
    static var numbers: [WritableKeyPath<StreamFigures, Double>] {
        [
            \.probes, \.lost, \.p50, \.p95, \.p99, \.receivedP50, \.browserP50, \.jitterBufferMs, \.decodeMs, \.firstFrameMs,
            \.animatingFPS, \.animatingCPU, \.orbitFPS, \.cpuPerView, \.observersHeld, \.observersTried, \.observersSlowestFPS,
            \.orbitingReceivers, \.orbitingSlowestFPS, \.orbitingMedianFPS, \.orbitInput, \.orbitChanges, \.orbitRendered,
            \.orbitRenderMs, \.orbitPushed, \.orbitEncoded, \.orbitReceived, \.orbitDecoded, \.orbitDropped,
        ]
    }

    /// Reads one run's results; the five figures of the final line are required.
    init(_ results: [JSONValue]) throws {
        func result(_ kind: String) -> JSONValue? { results.first { $0["kind"]?.stringValue == kind } }
        func required(_ kind: String) throws -> JSONValue {
            guard let r = result(kind) else { throw BenchError("The browser side of the stream bench reported no \(kind) figure.") }
            return r
        }
        func number(_ r: JSONValue?, _ key: String) -> Double { r?[key]?.doubleValue ?? .nan }
        let latency = try required("latency")
        let first = try required("first-frame")
        let orbit = try required("orbit")
        let cpu = try required("cpu")
        let observers = try required("observers")
        (probes, lost) = (number(latency, "count"), number(latency, "lost"))
        (p50, p95, p99) = (number(latency, "p50"), number(latency, "p95"), number(latency, "p99"))
        (receivedP50, browserP50) = (number(latency, "received_p50"), number(latency, "browser_p50"))
        let browser = result("browser")
        (jitterBufferMs, decodeMs) = (number(browser, "jitter_buffer_ms"), number(browser, "decode_ms"))
        decoder = browser?["decoder"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        firstFrameMs = number(first, "ms")
        let animating = result("animating")
        (animatingFPS, animatingCPU) = (number(animating, "fps"), number(animating, "cpu_percent"))
        (orbitFPS, cpuPerView) = (number(orbit, "fps"), number(cpu, "percent_per_view"))
        observersHeld = number(observers, "held")
        observersTried = number(observers, "tried")
        observersSlowestFPS = number(observers, "slowest_fps")
        let orbiting = result("observers-orbit")
        orbitingReceivers = number(orbiting, "receivers")
        orbitingSlowestFPS = number(orbiting, "slowest_fps")
        orbitingMedianFPS = number(orbiting, "median_fps")
        let stages = result("orbit-stages")
        (orbitInput, orbitChanges, orbitRendered) = (number(stages, "input"), number(stages, "changes"), number(stages, "rendered"))
        (orbitRenderMs, orbitPushed, orbitEncoded) = (number(stages, "render_ms"), number(stages, "pushed"), number(stages, "encoded"))
        (orbitReceived, orbitDecoded, orbitDropped) = (number(stages, "received"), number(stages, "decoded"), number(stages, "dropped"))
    }

    /// Each number's median over `runs` (its reported values only); the first run's decoder name.
    init(medianOf runs: [StreamFigures]) {
        for key in Self.numbers {
            let values = runs.map { $0[keyPath: key] }.filter(\.isFinite)
            self[keyPath: key] = Percentiles(values).median
        }
        decoder = runs.lazy.compactMap(\.decoder).first
    }

    /// The bench's final line, in the form issue #4 fixes.
    var finalLine: String { "stream: \(headline)" }

    /// One run's line: its final-line figures and where its probes' time went.
    var runLine: String {
        guard receivedP50.isFinite, browserP50.isFinite else { return headline }
        return headline + " (sent to received \(ms(receivedP50)) ms, received to displayed \(ms(browserP50)) ms)"
    }

    /// The five figures the issue asks for.
    private var headline: String {
        "p50 \(ms(p50)) ms, p95 \(ms(p95)) ms, first-frame \(Format.fixed(firstFrameMs, 0)) ms, "
            + "orbit \(Format.fixed(orbitFPS, 0)) fps, observers \(Format.fixed(observersHeld, 0))"
    }

    /// The detail lines, for one run or for the medians of several.
    func detailLines(runs: Int) -> [String] {
        let of = runs > 1 ? ", medians of \(runs) runs" : ""
        var lines = [
            "input-to-photon over \(Format.fixed(probes, 0)) probes (\(Format.fixed(lost, 0)) lost)\(of): p50 \(ms(p50)) ms, p95 \(ms(p95)) ms, p99 \(ms(p99)) ms"
        ]
        if receivedP50.isFinite, browserP50.isFinite {
            lines.append(
                "where it went (medians, from each frame's receive time): sent to received \(ms(receivedP50)) ms "
                    + "(server and network), received to displayed \(ms(browserP50)) ms (browser)")
        }
        if jitterBufferMs.isFinite || decodeMs.isFinite {
            lines.append(
                "browser share (getStats means): jitter buffer \(ms(jitterBufferMs)) ms, decode \(ms(decodeMs)) ms per frame"
                    + (decoder.map { " (\($0))" } ?? ""))
        }
        lines.append("session start (WebSocket open to first displayed frame), median of page loads: \(ms(firstFrameMs)) ms")
        if animatingFPS.isFinite {
            lines.append(
                "while the plant animates: \(Format.fixed(animatingFPS, 1)) fps decoded; server CPU \(Format.fixed(animatingCPU, 0))% of one core")
        }
        lines.append("orbit: \(Format.fixed(orbitFPS, 1)) fps decoded; server CPU per view: \(Format.fixed(cpuPerView, 0))% of one core")
        if orbitRendered.isFinite {
            lines.append(orbitStagesLine)
        }
        lines.append(
            "observers: \(Format.fixed(observersHeld, 0)) held at 25 fps or more while the plant animates (tried \(Format.fixed(observersTried, 0)), "
                + "slowest \(Format.fixed(observersSlowestFPS, 1)) fps at the last step; light receivers in one Chromium count encoded frames "
                + "through insertable streams and do not decode them)")
        if orbitingReceivers.isFinite {
            lines.append(
                "observers while the driver orbits: \(Format.fixed(orbitingReceivers, 0)) receivers, slowest "
                    + "\(Format.fixed(orbitingSlowestFPS, 1)) fps, median \(Format.fixed(orbitingMedianFPS, 1)) fps")
        }
        return lines
    }

    /// Where the orbit's frames go, stage by stage, per second.
    var orbitStagesLine: String {
        func f(_ v: Double) -> String { Format.fixed(v, 1) }
        return "orbit frames per second by stage: page input \(f(orbitInput)), scene changes \(f(orbitChanges)), rendered \(f(orbitRendered)) "
            + "(render and readback \(ms(orbitRenderMs)) ms each), into the encoder \(f(orbitPushed)), encoded \(f(orbitEncoded)), "
            + "received \(f(orbitReceived)), decoded \(f(orbitDecoded)), dropped \(f(orbitDropped))"
    }

    private func ms(_ value: Double) -> String { Format.fixed(value, 1) }
}
