import Logging
import Synchronization

/// Polls a view's peers' receiver reports once a second and applies `BitrateController`
/// to the view's encoder and frame pacer.
final class BitrateTask: Sendable {
    private let peers = PeerList()
    private let task: Task<Void, Never>

    init(view: StreamView, bounds: ClosedRange<Int>, maxFPS: Int, logger: Logger) {
        let peers = self.peers
        task = Task {
            var controller = BitrateController(bounds: bounds, maxFPS: maxFPS, startKbps: view.pipeline.bitrateKbps)
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                var worst: ReceiverReport?
                for peer in peers.list.withLock({ $0 }) {
                    let report = await withCheckedContinuation { continuation in
                        peer.receiverReport { continuation.resume(returning: $0) }
                    }
                    if let report, report.fractionLost >= (worst?.fractionLost ?? -1) { worst = report }
                }
                let before = controller
                controller.update(worst)
                guard controller != before else { continue }
                view.pipeline.setBitrate(kbps: controller.kbps)
                view.pacer.withLock { $0.limit(to: controller.fps) }
                logger.debug("view bitrate", metadata: ["kbps": "\(controller.kbps)", "fps": "\(controller.fps)"])
            }
        }
    }

    func update(peers list: [WebRTCPeer]) { peers.list.withLock { $0 = list } }

    func stop() { task.cancel() }
}

/// The peers a bitrate task polls, shared with its task.
private final class PeerList: Sendable {
    let list = Mutex<[WebRTCPeer]>([])
}
