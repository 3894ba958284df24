import Foundation

/// One monotonic clock per view: every frame's timestamp is nanoseconds since the view
/// started, so the browser's jitter buffer sees steady time.
package struct MonotonicClock: Sendable {
    private let origin: UInt64

    package init() { origin = DispatchTime.now().uptimeNanoseconds }

    /// Nanoseconds since this clock started.
    package func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds &- origin }
}
