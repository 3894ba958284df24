/// The bitrate policy of one view shared by several peers, one call per report interval.
///
/// Each peer has its own `BitrateController` fed by its own receiver reports. The view's
/// encoder follows the weakest peer, but on a shared view only down to `floorKbps`: a
/// peer whose own rate stays below that floor (or at the bottom of the bounds) for
/// `splitAfter` intervals is split off
/// (the streamer moves it to a lower-rate view of the same camera), so one weak link
/// never drags everyone's picture down. On a lower-rate view (`canSplit` false) a peer
/// whose rate sits at the top, cleanly, for `promoteAfter` intervals is promoted back.
///
/// Pure: the I/O side (`BitrateTask`) polls the peers and carries out the decision.
package struct SharedViewRate<PeerID: Hashable & Sendable>: Sendable {
    package struct Decision: Sendable, Equatable {
        package var kbps: Int
        package var fps: Int
        /// Peers to move to a lower-rate view.
        package var split: [PeerID] = []
        /// Peers to move back to the full-rate view.
        package var promote: [PeerID] = []
    }

    package let bounds: ClosedRange<Int>
    package let floorKbps: Int
    package let maxFPS: Int
    package let canSplit: Bool
    package let splitAfter: Int
    package let promoteAfter: Int
    private let startKbps: Int
    private var peers: [PeerID: BitrateController] = [:]
    private var below: [PeerID: Int] = [:]
    private var atTop: [PeerID: Int] = [:]

    package init(
        bounds: ClosedRange<Int>, floorKbps: Int, maxFPS: Int, canSplit: Bool, startKbps: Int? = nil, splitAfter: Int = 3,
        promoteAfter: Int = 10
    ) {
        self.bounds = bounds
        self.floorKbps = min(max(floorKbps, bounds.lowerBound), bounds.upperBound)
        self.maxFPS = maxFPS
        self.canSplit = canSplit
        self.startKbps = startKbps ?? (bounds.lowerBound + bounds.upperBound) / 2
        self.splitAfter = splitAfter
        self.promoteAfter = promoteAfter
    }

    /// The floor for a view's bounds: a quarter of the top, at least the bottom.
    package static func defaultFloor(_ bounds: ClosedRange<Int>) -> Int {
        max(bounds.lowerBound, bounds.upperBound / 4)
    }

    /// Folds in one interval's reports (nil: none yet for that peer). Peers not named are
    /// forgotten; new ones start at the view's current rate.
    package mutating func update(_ reports: [PeerID: ReceiverReport?], current: Int) -> Decision {
        peers = peers.filter { reports[$0.key] != nil }
        var decision = Decision(kbps: current, fps: maxFPS)
        let shared = reports.count > 1
        for (id, report) in reports {
            var controller = peers[id] ?? BitrateController(bounds: bounds, maxFPS: maxFPS, startKbps: min(current, startKbps))
            controller.update(report)
            peers[id] = controller
            // Below the floor; or pinned at the bottom, which for small views (whose floor
            // is the bottom itself) is the only way to be below it.
            let weak = controller.kbps < floorKbps || controller.kbps <= bounds.lowerBound
            if canSplit && shared && weak {
                below[id, default: 0] += 1
            } else {
                below[id] = 0
            }
            if !canSplit, report.map({ $0.fractionLost < 0.02 }) == true, controller.kbps >= bounds.upperBound {
                atTop[id, default: 0] += 1
            } else {
                atTop[id] = 0
            }
            if below[id, default: 0] >= splitAfter { decision.split.append(id) }
            if atTop[id, default: 0] >= promoteAfter { decision.promote.append(id) }
        }
        for id in decision.split + decision.promote {
            peers[id] = nil
            below[id] = nil
            atTop[id] = nil
        }
        let staying = peers.values
        guard !staying.isEmpty else { return decision }
        let weakest = staying.map(\.kbps).min()!
        decision.kbps = shared && canSplit ? max(weakest, floorKbps) : weakest
        decision.fps = staying.map(\.fps).min()!
        return decision
    }
}
