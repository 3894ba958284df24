import Synchronization

/// Wakes a view's render loop when its scene changes, or after a deadline.
final class FrameSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Something changed; wakes the loop (or lets its next wait return at once).
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when signalled, or when `nanoseconds` have passed.
    func wait(nanoseconds: UInt64) async {
        if state.withLock({ state in defer { state.pending = false }; return state.pending }) { return }
        let timer = Task {
            try await Task.sleep(nanoseconds: nanoseconds)
            self.timeout()
        }
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.pending {
                    state.pending = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer.cancel()
    }

    private func timeout() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
