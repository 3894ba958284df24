/// Adapts a view's encoder bitrate to its weakest peer's receiver reports, within bounds.
/// When the bitrate stays at the floor, it lowers the frame rate (before resolution
/// would be touched) and raises it again once reports are clean.
///
/// Pure: one call per report interval.
package struct BitrateController: Sendable, Equatable {
    package let bounds: ClosedRange<Int>
    package let maxFPS: Int
    package private(set) var kbps: Int
    package private(set) var fps: Int
    /// Consecutive intervals spent at the floor.
    private var atFloor = 0

    package init(bounds: ClosedRange<Int>, maxFPS: Int, startKbps: Int? = nil) {
        self.bounds = bounds
        self.maxFPS = maxFPS
        kbps = min(max(startKbps ?? (bounds.lowerBound + bounds.upperBound) / 2, bounds.lowerBound), bounds.upperBound)
        fps = maxFPS
    }

    /// Folds in the weakest peer's report (nil: no report yet, nothing changes).
    package mutating func update(_ report: ReceiverReport?) {
        guard let report else { return }
        let lossy = report.fractionLost > 0.10 || report.roundTrip > 0.5
        let clean = report.fractionLost < 0.02 && report.roundTrip < 0.25
        if report.fractionLost > 0.10 {
            kbps = Int(Double(kbps) * 0.7)
        } else if report.fractionLost > 0.02 {
            kbps = Int(Double(kbps) * 0.9)
        } else if clean {
            kbps = Int(Double(kbps) * 1.08) + 1
        }
        kbps = min(max(kbps, bounds.lowerBound), bounds.upperBound)
        if kbps == bounds.lowerBound && lossy {
            atFloor += 1
            if atFloor >= 3 {
                fps = max(15, fps / 2)
                atFloor = 0
            }
        } else {
            atFloor = 0
            if clean && fps < maxFPS { fps = min(maxFPS, fps * 2) }
        }
    }
}
