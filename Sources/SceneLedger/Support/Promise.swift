import Synchronization

/// A value delivered once, from any thread, to one awaiting task.
final class Promise<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiter: CheckedContinuation<Value, Never>?)>((nil, nil))

    func fulfill(_ value: Value) {
        let waiter = state.withLock { s -> CheckedContinuation<Value, Never>? in
            precondition(s.value == nil, "a promise fulfilled twice")
            s.value = value
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume(returning: value)
    }

    var value: Value {
        get async {
            await withCheckedContinuation { (c: CheckedContinuation<Value, Never>) in
                let ready = state.withLock { s -> Value? in
                    if s.value == nil { s.waiter = c }
                    return s.value
                }
                if let ready { c.resume(returning: ready) }
            }
        }
    }
}
