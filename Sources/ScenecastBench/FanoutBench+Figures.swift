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

/// A process's CPU time from `/proc/PID/stat` (user plus system).
enum ProcessCPU {
    static var cores: Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Seconds of CPU the process has used, or nil when it cannot be read.
    static func read(pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm)": field 3 is the state, so utime (14) and stime (15) are at 11 and 12.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// What the whole machine and this process did over a phase of a bench: the part of the
/// machine that was busy, the part the hypervisor took (steal), and this process's share.
struct CPUWindow {
    private let ownStart: Double?
    private let machineStart: [Double]?
    private let wallStart = WallClock.monotonicNanos()

    init() {
        ownStart = ProcessCPU.read(pid: getpid())
        machineStart = Self.machine()
    }

    /// `/proc/stat`'s first line: user, nice, system, idle, iowait, irq, softirq, steal.
    private static func machine() -> [Double]? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        return values.count >= 8 ? Array(values.prefix(8)) : nil
    }

    /// "bench 93% of a core, machine 97% busy, 2% stolen", or "" where /proc is unreadable.
    func summary() -> String {
        let wall = Double(WallClock.monotonicNanos() - wallStart) / 1e9
        guard wall > 0, let ownStart, let own = ProcessCPU.read(pid: getpid()), let machineStart, let machine = Self.machine()
        else { return "" }
        let delta = zip(machine, machineStart).map { $0 - $1 }
        let total = delta.reduce(0, +)
        guard total > 0 else { return "" }
        let idle = delta[3] + delta[4]
        return
            "bench \(Format.fixed((own - ownStart) / wall * 100, 0))% of a core, machine \(Format.fixed((total - idle) / total * 100, 0))% busy, \(Format.fixed(delta[7] / total * 100, 0))% stolen"
    }
}
