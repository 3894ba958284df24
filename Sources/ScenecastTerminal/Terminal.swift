#if canImport(Glibc)
import Glibc
#endif
import SceneLedger
import Synchronization

/// ProgressLine lines for long work (seeding, benchmarks, exports).
///
/// On a terminal the line is redrawn in place at most ten times a second; elsewhere (CI
/// logs) a line is printed every few seconds. ProgressLine goes to standard error so that
/// standard output keeps only results.
package final class ProgressLine: Sendable {
    private struct State {
        var lastDraw: UInt64 = 0
        var drawn = false
    }

    private let label: String
    private let total: Int64?
    private let startNanos: UInt64
    private let interactive: Bool
    private let state = Mutex(State())

    package init(_ label: String, total: Int64? = nil) {
        self.label = label
        self.total = total
        self.startNanos = ProgressLine.now()
        self.interactive = isatty(STDERR_FILENO) == 1
    }

    package static func now() -> UInt64 { WallClock.monotonicNanos() }

    var elapsedSeconds: Double { Double(ProgressLine.now() - startNanos) / 1e9 }

    package func update(_ done: Int64, note: String = "") {
        let now = ProgressLine.now()
        let interval: UInt64 = interactive ? 100_000_000 : 5_000_000_000
        let draw = state.withLock { s -> Bool in
            guard now - s.lastDraw >= interval else { return false }
            s.lastDraw = now
            s.drawn = true
            return true
        }
        guard draw else { return }
        write(line(done, note: note), final: false)
    }

    package func finish(_ done: Int64, note: String = "") {
        write(line(done, note: note), final: true)
    }

    private func line(_ done: Int64, note: String) -> String {
        let seconds = elapsedSeconds
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var text = "\(label): \(Format.count(done))"
        if let total, total > 0 {
            let pct = Double(done) * 100 / Double(total)
            text += "/\(Format.count(total)) (\(Format.fixed(pct, 0))%)"
        }
        text += ", \(Format.count(Int64(rate)))/s, \(Format.fixed(seconds, 1)) s"
        if !note.isEmpty { text += ", \(note)" }
        return text
    }

    private func write(_ text: String, final: Bool) {
        let out = interactive ? "\r\u{1B}[2K" + text + (final ? "\n" : "") : text + "\n"
        Terminal.writeError(out)
    }
}

package enum Terminal {
    /// Writes to standard error without buffering.
    package static func writeError(_ text: String) {
        write(text, to: STDERR_FILENO)
    }

    /// Prints a result line to standard output, unbuffered, so pipes and logs see it at once.
    package static func line(_ text: String) {
        write(text + "\n", to: STDOUT_FILENO)
    }

    private static func write(_ text: String, to fd: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            offset += n
        }
    }
}

/// Number formatting without Foundation's locale machinery.
package enum Format {
    package static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var factor = 1.0
        for _ in 0..<digits { factor *= 10 }
        let rounded = (value * factor).rounded() / factor
        var text = String(rounded)
        if digits == 0 {
            text = String(Int64(rounded))
        } else if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        }
        return text
    }

    package static func count(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }
}
