import Logging
import Synchronization

/// Polls a view's peers' receiver reports once a second, applies `SharedViewRate` to the
/// view's encoder and frame pacer, and hands peers that should change views to `move`.
final class BitrateTask: Sendable {
    enum Move: Sendable { case split, promote }

    private let peers = PeerList()
    private let task: Task<Void, Never>

    init(
        view: StreamView, policy: SharedViewRate<ObjectIdentifier>, logger: Logger,
        move: @escaping @Sendable (WebRTCPeer, Move) async -> Void
    ) {
        let peers = self.peers
        task = Task {
            var policy = policy
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let list = peers.list.withLock { $0 }
                var reports: [ObjectIdentifier: ReceiverReport?] = [:]
                for peer in list {
                    reports[ObjectIdentifier(peer)] = await withCheckedContinuation { continuation in
                        peer.receiverReport { continuation.resume(returning: $0) }
                    }
                }
                guard !reports.isEmpty else { continue }
                let decision = policy.update(reports, current: view.pipeline.bitrateKbps)
                if decision.kbps != view.pipeline.bitrateKbps {
                    view.pipeline.setBitrate(kbps: decision.kbps)
                    logger.debug("view bitrate", metadata: ["kbps": "\(decision.kbps)", "fps": "\(decision.fps)"])
                }
                view.pacer.withLock { $0.limit(to: decision.fps) }
                for peer in list {
                    let id = ObjectIdentifier(peer)
                    if decision.split.contains(id) { await move(peer, .split) }
                    if decision.promote.contains(id) { await move(peer, .promote) }
                }
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
