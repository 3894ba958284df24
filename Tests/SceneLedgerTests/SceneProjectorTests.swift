import Foundation
import Testing
@testable import SceneLedger

@Suite("Snapshot policy, without I/O")
struct SceneProjectorTests {
    let scene = UUID()
    let start: Int64 = 1_700_000_000_000_000

    @Test("a snapshot is due every N events, counted from the last one")
    func everyEvents() {
        var p = SceneProjector(state: SceneState(sceneID: scene), policy: SnapshotPolicy(everyEvents: 3, everySeconds: 3_600))
        var due: [Int64] = []
        for v in 1...10 {
            if p.apply(.sceneCreated(name: "\(v)"), version: Int64(v), recordedAtMicros: start + Int64(v)) {
                due.append(Int64(v))
                p.snapshotWritten()
            }
        }
        #expect(due == [3, 6, 9])
    }

    @Test("a snapshot is due when T seconds of scene time passed, counted from the first event")
    func everySeconds() {
        var p = SceneProjector(state: SceneState(sceneID: scene), policy: SnapshotPolicy(everyEvents: 1_000, everySeconds: 10))
        let a = p.apply(.sceneCreated(name: "a"), version: 1, recordedAtMicros: start)
        let b = p.apply(.sceneCreated(name: "b"), version: 2, recordedAtMicros: start + 9_999_999)
        let c = p.apply(.sceneCreated(name: "c"), version: 3, recordedAtMicros: start + 10_000_000)
        #expect([a, b, c] == [false, false, true])
        p.snapshotWritten()
        #expect(!p.snapshotDue)
        let d = p.apply(.sceneCreated(name: "d"), version: 4, recordedAtMicros: start + 15_000_000)
        #expect(!d)
    }
}
