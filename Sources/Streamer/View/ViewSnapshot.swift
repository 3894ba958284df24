package import Foundation
package import Renderer
package import SceneLedger
import Synchronization

/// One frame a live view drew, read back as RGBA beside the I420 copy it sent, with what
/// the ledger needs to draw it again: the state's version, the scene time of its flows, the
/// camera and the participant it was drawn for. `scenecast render --at vVERSION
/// --camera-of VIEWER --scene-time TIME` draws the same pixels (the parity test checks it).
package struct ViewSnapshot: Sendable {
    package let version: Int64
    package let sceneTimeMicros: Int64
    package let camera: Camera
    /// The camera's owner: the participant the frame was drawn for.
    package let viewer: UUID
    /// RGBA, rows top to bottom.
    package let frame: Frame
}

/// Callers waiting for a view's next frame as a `ViewSnapshot`. The render loop asks
/// `isRequested` before a frame (a request forces a draw, even of an unchanged scene) and
/// hands the frame to `fulfil`; a view that stops answers nil.
///
/// Sendable: the waiters are behind a `Mutex`.
final class SnapshotRequests: Sendable {
    private let waiters = Mutex<[UInt64: CheckedContinuation<ViewSnapshot?, Never>]>([:])
    private let nextID = Atomic<UInt64>(0)
    private let closed = Atomic<Bool>(false)

    var isRequested: Bool { waiters.withLock { !$0.isEmpty } }

    /// Waits for the next frame the loop reads back; nil when the view stops first or the
    /// caller is cancelled.
    func next(wake: () -> Void) async -> ViewSnapshot? {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let refused = waiters.withLock { list -> Bool in
                    if closed.load(ordering: .acquiring) || Task.isCancelled { return true }
                    list[id] = continuation
                    return false
                }
                if refused { continuation.resume(returning: nil) } else { wake() }
            }
        } onCancel: {
            waiters.withLock { $0.removeValue(forKey: id) }?.resume(returning: nil)
        }
    }

    /// Hands `snapshot` to every caller waiting now.
    func fulfil(_ snapshot: ViewSnapshot?) {
        let list = waiters.withLock { list in defer { list.removeAll() }; return list }
        for continuation in list.values { continuation.resume(returning: snapshot) }
    }

    /// Answers every waiter nil, now and from now on.
    func close() {
        closed.store(true, ordering: .releasing)
        fulfil(nil)
    }
}
