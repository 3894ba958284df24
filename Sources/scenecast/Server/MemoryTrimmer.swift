import CMalloc
import Foundation
import Logging
import ServiceLifecycle

/// Hands the memory of closed views and peers back to the system: every `interval` it
/// counts the open views and peers (`load`), and when `MemoryTrimSchedule` says so it
/// trims the heap (`trim`, by default glibc's `malloc_trim` on a thread of its own).
final class MemoryTrimmer: Service {
    let interval: Duration
    let load: @Sendable () async -> Int
    /// Trims, and says what it gave back.
    let trim: @Sendable () async -> Trimmed
    let logger: Logger

    init(
        interval: Duration = .seconds(5), load: @escaping @Sendable () async -> Int,
        trim: @escaping @Sendable () async -> Trimmed = MemoryTrimmer.trimHeap, logger: Logger
    ) {
        self.interval = interval
        self.load = load
        self.trim = trim
        self.logger = logger
    }

    func run() async throws {
        var schedule = MemoryTrimSchedule()
        // Ends at graceful shutdown: the sleep is cancelled.
        while !Task.isCancelled {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
            } catch {
                return
            }
            guard schedule.tick(load: await load()) else { continue }
            let trimmed = await trim()
            logger.debug(
                "memory trimmed",
                metadata: [
                    "residentMB": "\(trimmed.residentBefore >> 20) → \(trimmed.residentAfter >> 20)",
                    "ms": "\((trimmed.milliseconds * 10).rounded() / 10)",
                ])
        }
    }

    /// `malloc_trim(0)` on a thread of its own (it walks every heap, holding each one's
    /// lock in turn: a blocking call kept off the cooperative pool).
    @Sendable static func trimHeap() async -> Trimmed {
        await withCheckedContinuation { (continuation: CheckedContinuation<Trimmed, Never>) in
            let thread = Thread {
                let before = residentBytes()
                let start = ContinuousClock.now
                _ = malloc_trim(0)
                let took = ContinuousClock.now - start
                continuation.resume(
                    returning: Trimmed(residentBefore: before, residentAfter: residentBytes(), milliseconds: took / .milliseconds(1)))
            }
            thread.name = "scenecast-trim"
            thread.start()
        }
    }

    /// What one trim gave back: resident bytes before and after (0: unreadable), and how long it took.
    struct Trimmed: Sendable, Equatable {
        var residentBefore: Int
        var residentAfter: Int
        var milliseconds: Double
    }

    /// The process's resident memory in bytes (from /proc/self/statm), or 0 if unreadable.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
