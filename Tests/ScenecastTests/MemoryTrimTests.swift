import Logging
import Synchronization
import Testing

@testable import scenecast

@Suite("Giving the memory of closed views back")
struct MemoryTrimTests {
    /// The schedule's answers for `loads`, one tick each.
    func answers(_ loads: [Int], maxDeferTicks: Int = 6) -> [Bool] {
        var schedule = MemoryTrimSchedule(maxDeferTicks: maxDeferTicks)
        return loads.map { schedule.tick(load: $0) }
    }

    @Test("nothing to trim while views and peers only come or stay")
    func noDrop() {
        #expect(answers([0, 0, 3, 5, 5, 9, 9, 9]) == Array(repeating: false, count: 8))
    }

    @Test("a drop is trimmed on the next tick, once the teardown has settled, and only once")
    func dropThenSettle() {
        #expect(answers([5, 2, 2, 2, 4, 4]) == [false, false, true, false, false, false])
        // Views coming again on the tick after the drop do not hold the trim back.
        #expect(answers([5, 2, 7, 7]) == [false, false, true, false])
    }

    @Test("while drops go on, the trim waits at most maxDeferTicks ticks after the first")
    func continuousDrops() {
        #expect(answers([9, 8, 7, 6, 5, 4, 3], maxDeferTicks: 3) == [false, false, false, false, true, false, false])
        // The drops after that trim are trimmed once they stop.
        #expect(answers([9, 8, 7, 6, 5, 4, 4], maxDeferTicks: 3) == [false, false, false, false, true, false, true])
    }

    @Test("the service trims after the streamer's load drops, and stops when cancelled")
    func service() async throws {
        let loads = Mutex<[Int]>([4, 4, 1])
        let trims = Atomic<Int>(0)
        let trimmer = MemoryTrimmer(
            interval: .milliseconds(5),
            load: { loads.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] } },
            trim: {
                trims.add(1, ordering: .relaxed)
                return MemoryTrimmer.Trimmed(residentBefore: 2 << 20, residentAfter: 1 << 20, milliseconds: 0.1)
            },
            logger: Logger(label: "test")
        )
        let running = Task { try await trimmer.run() }
        for _ in 0..<400 where trims.load(ordering: .relaxed) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        // Steady load afterwards: no further trim.
        try await Task.sleep(for: .milliseconds(100))
        running.cancel()
        try await running.value
        #expect(trims.load(ordering: .relaxed) == 1)
    }

    @Test("the heap trim reports the process's resident memory before and after")
    func trimHeap() async {
        let trimmed = await MemoryTrimmer.trimHeap()
        #expect(trimmed.residentBefore > 1 << 20)
        #expect(trimmed.residentAfter > 1 << 20)
        #expect(trimmed.milliseconds >= 0)
    }
}
