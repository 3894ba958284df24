import ScenecastTerminal
import Foundation
import SceneLedger

#if canImport(Glibc)
import Glibc
#endif

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
