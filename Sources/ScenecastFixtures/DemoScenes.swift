package import Foundation
import SceneLedger

/// The demo scene's id: the same for the same plant, and a new one when the plant's layout
/// changes, so a data directory seeded by an older build shows the current layout (its
/// old demo scene stays, under its old id).
package enum DemoScenes {
    /// 2: the plant laid out as production lines (issue #17).
    package static let layout: UInt64 = 2

    package static func id(devices: Int) -> UUID {
        var rng = SplitMix64(seed: 0xDE30_0000 &+ (layout << 32) &+ UInt64(devices))
        return rng.nextUUID()
    }
}
