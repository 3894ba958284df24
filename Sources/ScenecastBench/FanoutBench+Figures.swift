import ScenecastTerminal
import Foundation
import SceneLedger

#if canImport(Glibc)
import Glibc
#endif

/// The figures of one fan-out run, or the medians of several.
struct FanoutFigures {
    var participants: Int
    var sent: Int
    var p50: Double
    var p99: Double
    var lost: Int
    var errors: Int
    /// Participants whose connection the server closed.
    var closed: Int
    var receivedPerSecond: Double
    /// The server's CPU over the sending time, in % of one core.
    var cpuPercent: Double
    var cores: Int

    init(
        participants: Int, sent: Int, p50: Double, p99: Double, lost: Int, errors: Int, closed: Int,
        receivedPerSecond: Double, cpuPercent: Double, cores: Int
    ) {
        self.participants = participants
        self.sent = sent
        self.p50 = p50
        self.p99 = p99
        self.lost = lost
        self.errors = errors
        self.closed = closed
        self.receivedPerSecond = receivedPerSecond
        self.cpuPercent = cpuPercent
        self.cores = cores
    }

    /// The median of each figure over the runs (one run: its own figures).
    init(medianOf runs: [FanoutFigures]) {
        func median<T: Comparable>(_ key: (FanoutFigures) -> T) -> T {
            let sorted = runs.map(key).sorted()
            return sorted[sorted.count / 2]
        }
        self.init(
            participants: runs[0].participants, sent: median(\.sent), p50: median(\.p50), p99: median(\.p99), lost: median(\.lost),
            errors: median(\.errors), closed: median(\.closed), receivedPerSecond: median(\.receivedPerSecond),
            cpuPercent: median(\.cpuPercent), cores: runs[0].cores)
    }

    var line: String {
        "fanout: \(participants) participants, ack p50 \(Self.ms(p50)) ms, p99 \(Self.ms(p99)) ms, lost \(lost) of \(sent), "
            + "errors \(errors), closed \(closed), received \(Format.count(Int64(receivedPerSecond))) msg/s, "
            + "server CPU \(Format.fixed(cpuPercent, 0))% (\(Format.fixed(cpuPercent / Double(max(cores, 1)), 0))% of \(cores) cores)"
    }

    static func ms(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        return value < 10 ? Format.fixed(value, 1) : Format.fixed(value, 0)
    }

    /// The `q` quantile of sorted values (nearest rank); NaN when there are none.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
