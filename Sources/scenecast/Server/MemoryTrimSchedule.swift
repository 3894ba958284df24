/// When `scenecast serve` hands the memory its closed views and peers freed back to the
/// system. Pure: it is told how many views and peers are open at each tick (every few
/// seconds) and answers whether to trim now.
///
/// glibc keeps what a process frees in its heaps for reuse. A view's GL context, encoder
/// and frame buffers are tens of MB, allocated and freed on many threads, and seldom
/// reused in place, so without trimming a server whose viewers come and go keeps growing
/// (a gigabyte and a half after 150 viewers came and went, for about 160 MB in use; see
/// docs/operations.md, "Memory").
///
/// ```
/// tick:   5 views+peers   3 (a drop)   3        4    2 (a drop)  1 (a drop) ... 1
/// trim:   no              no           yes      no   no          no             yes
///                         └ teardown settles ┘       └ drops go on: at most maxDeferTicks ┘
/// ```
///
/// A drop is trimmed on the first tick after it without a further drop, when the closed
/// views have finished tearing down; while drops go on, at the latest `maxDeferTicks`
/// ticks after the first untrimmed one.
struct MemoryTrimSchedule: Equatable {
    /// The most ticks a drop waits for its trim while further drops keep coming.
    let maxDeferTicks: Int
    /// The load at the last tick; nil before the first.
    private(set) var previous: Int?
    /// Ticks since the first drop not trimmed yet; nil when there is nothing to trim.
    private(set) var waiting: Int?

    init(maxDeferTicks: Int = 6) {
        self.maxDeferTicks = max(1, maxDeferTicks)
    }

    /// Takes the number of open views and peers now; true when memory should be trimmed.
    mutating func tick(load: Int) -> Bool {
        defer { previous = load }
        let dropped = previous.map { load < $0 } ?? false
        guard dropped else {
            guard waiting != nil else { return false }
            waiting = nil
            return true
        }
        let waited = waiting.map { $0 + 1 } ?? 0
        guard waited < maxDeferTicks else {
            waiting = nil
            return true
        }
        waiting = waited
        return false
    }
}
