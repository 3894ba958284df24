import Foundation
import Renderer
import SceneLedger

extension RenderProjection {
    /// A projection of `events` applied in order, as versions 1, 2, … recorded 1 ms apart.
    static func folding(_ events: [SceneEvent]) -> RenderProjection {
        var p = RenderProjection(state: SceneState(sceneID: UUID()))
        for (i, e) in events.enumerated() { p.apply(e, version: Int64(i + 1), recordedAtMicros: Int64(i + 1) * 1_000) }
        return p
    }

    /// A conveyor `a` at the origin and an AGV `b` 4 m along x: the scenes of the dirty
    /// tracking and still layer tests.
    static func twoDevices(_ a: UUID, _ b: UUID) -> [SceneEvent] {
        [
            .deviceAdded(Device(id: a, kind: .conveyor, name: "a", model: .builtin("conveyor"), position: .zero)),
            .deviceAdded(Device(id: b, kind: .agv, name: "b", model: .builtin("agv"), position: Vec3(4, 0, 0))),
        ]
    }
}
