#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock time as whole microseconds since the Unix epoch.
///
/// The ledger stores `recorded_at` with microsecond precision (PostgreSQL's
/// `timestamptz`), and the hash covers exactly that integer, so time travels through
/// the code as `Int64` microseconds, never as a rounded `Double`.
package enum WallClock {
    package static func nowMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000
    }

    /// Monotonic nanoseconds, for latency measurements.
    package static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
