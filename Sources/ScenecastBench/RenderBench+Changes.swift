import ScenecastFixtures
import ScenecastTerminal
package import Foundation
import Renderer
package import SceneLedger

/// What each kind of frame costs in a live view that animates (the demo's flows move) and
/// holds its camera: a camera move draws the frame whole; an animation-only frame copies
/// the still layer and draws the particles; a probe flips the corner marker over the layer;
/// a selection and a device move patch the layer where they changed it (`SceneDamage`).
///
/// As in a live view, input between two animation steps keeps the step's scene time
/// (`FramePacer.animationStepInterval`): its frame is drawn over the one before only where
/// it changed. A probe that lands on a step moves the particles too.
extension RenderBench {
    struct ChangeTimes {
        var kinds: [(name: String, times: Percentiles)]
        /// The share of the frame patched for selections and moves, median.
        var patchedShare: Double
    }

    /// Frame kinds in the order printed.
    static let changeKinds = ["camera move (whole frame)", "animation", "probe", "probe on an animation step", "selection", "device move"]

    func changeTimes(devices: Int, width: Int, height: Int) async throws -> ChangeTimes {
        let viewer = UUID()
        var projection = RenderProjection(state: Self.demoState(devices))
        projection.apply(
            .participantJoined(participant: viewer, actor: UUID(), role: .driver), version: projection.version + 1, recordedAtMicros: 2_000_000)
        let context = try await GLContext.make(width: width, height: height, samples: samples, logger: logger)
        let base = Camera.overview(of: projection.state)
        // Devices near the middle of the view: what a user clicks and drags.
        let picked = projection.state.devices.values.sorted {
            ($0.position - base.target).length < ($1.position - base.target).length
        }.prefix(8).map(\.id)
        var times = Dictionary(uniqueKeysWithValues: Self.changeKinds.map { ($0, [Double]()) })
        var patched: [Double] = []
        var time: Int64 = 0
        var version = projection.version
        /// Applies `event` (if any) and times one frame, rendered and read back as I420: an
        /// animation step later, or (`step` false) at the scene time of the frame before.
        func frame(_ kind: String?, _ event: SceneEvent? = nil, camera: Camera = base, step: Bool = true) async throws {
            if let event {
                version += 1
                projection.apply(event, version: version, recordedAtMicros: 2_000_000 + time)
            }
            if step { time += 33_333 }
            let start = ProgressLine.now()
            let stats = try await context.renderScene(
                projection.state, changes: projection.takeChanges(), camera: camera, viewer: viewer, sceneTimeMicros: time)
            _ = try await context.readFrameI420()
            guard let kind else { return }
            times[kind]?.append(Double(ProgressLine.now() - start) / 1e6)
            if stats.patchedPixels > 0 { patched.append(Double(stats.patchedPixels) / Double(width * height)) }
        }
        try await frame(nil)  // loads models and levels
        let progress = ProgressLine("frame kinds \(width)x\(height), \(devices) devices", total: Int64(frames))
        for i in 0..<frames {
            var turned = base
            turned.azimuth += Double(i % 2 + 1)
            try await frame(Self.changeKinds[0], camera: turned)
            try await frame(nil)  // the first frame at the camera again: drawn whole
            try await frame(nil)  // saves the still layer
            try await frame(Self.changeKinds[1])
            try await frame(Self.changeKinds[2], .latencyProbed(participant: viewer, probe: "bench-\(i)"), step: false)
            try await frame(Self.changeKinds[3], .latencyProbed(participant: viewer, probe: "bench-\(i)-step"))
            let device = picked[i % picked.count]
            try await frame(Self.changeKinds[4], .selectionChanged(participant: viewer, device: device), step: false)
            let position = projection.state.devices[device]!.position
            try await frame(Self.changeKinds[5], .deviceMoved(id: device, position: position + Vec3(i % 2 == 0 ? 0.5 : -0.5, 0, 0)), step: false)
            progress.update(Int64(i + 1))
        }
        progress.finish(Int64(frames))
        await context.close()
        return ChangeTimes(kinds: Self.changeKinds.map { ($0, Percentiles(times[$0]!)) }, patchedShare: Percentiles(patched).median)
    }
}
