import Synchronization

/// A counting semaphore for one waiter: the bench's submitter waits for a free slot, and
/// completions (on the writer loop) give slots back without blocking.
final class Window: Sendable {
    private struct State {
        var free: Int
        var waiter: CheckedContinuation<Void, Never>?
        /// Slots the waiter still needs before it resumes (1, or all of them to drain).
        var needed = 0
    }

    private let slots: Int
    private let state: Mutex<State>

    init(slots: Int) {
        self.slots = slots
        state = Mutex(State(free: slots))
    }

    /// Takes one slot, waiting while none is free.
    func acquire() async {
        await take(1)
    }

    /// Waits until every slot is free again: all submitted work has completed.
    func drain() async {
        await take(slots)
    }

    private func take(_ n: Int) async {
        let ready = state.withLock { s -> Bool in
            if s.free >= n {
                s.free -= n
                return true
            }
            return false
        }
        if ready { return }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resume = state.withLock { s -> Bool in
                if s.free >= n {
                    s.free -= n
                    return true
                }
                s.waiter = c
                s.needed = n
                return false
            }
            if resume { c.resume() }
        }
    }

    /// Gives one slot back, resuming the waiter once enough are free.
    func release() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.free += 1
            guard let w = s.waiter, s.free >= s.needed else { return nil }
            s.free -= s.needed
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }
}
