import Dispatch

/// Runs GStreamer calls that may block (state changes, which join streaming threads;
/// building and tearing down peers) on one serial dispatch queue, never on Swift's
/// cooperative pool.
enum GStreamerControl {
    private static let queue = DispatchQueue(label: "scenecast.gst-control")

    /// Runs `body` on the control queue and returns its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws(StreamerError) -> T) async throws(StreamerError) -> T {
        let result: Result<T, StreamerError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(StreamerError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Runs `body` on the control queue without waiting.
    static func async(_ body: @escaping @Sendable () -> Void) {
        queue.async(execute: body)
    }
}
