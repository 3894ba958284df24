import ScenecastFixtures
import ScenecastTerminal
package import Foundation
package import Logging
import Renderer
package import SceneLedger

/// `scenecast bench render`: frame time (render plus readback to I420) for demo plants,
/// triangles drawn after LOD and culling, and picking time over 1,000 devices.
package struct RenderBench {
    let frames: Int
    /// MSAA samples per pixel (0 for none); nil for the renderer's `auto` choice.
    let samples: Int?
    let logger: Logger

    package init(frames: Int, samples: Int?, logger: Logger) {
        self.frames = frames
        self.samples = samples
        self.logger = logger
    }

    static func demoState(_ n: Int) -> SceneState {
        DemoFactory(deviceCount: n).state(sceneID: UUID(), name: "bench \(n)", recordedAtMicros: 1_000_000)
    }

    /// Median and p99 milliseconds per frame, and the median triangles drawn, while the
    /// camera orbits the plant (so culling and levels change from frame to frame).
    func frameTimes(devices: Int, width: Int, height: Int) async throws -> (Percentiles, Int, Double, Double) {
        let state = Self.demoState(devices)
        let context = try await GLContext.make(width: width, height: height, samples: samples, logger: logger)
        if devices == 10 {
            let info = try await context.info
            Terminal.line("renderer: \(info), triangle budget \(Format.count(Int64(await context.defaultTriangleBudget))) per frame")
        }
        let base = Camera.overview(of: state)
        var projection = RenderProjection(state: state)
        try await context.renderScene(state, changes: projection.takeChanges(), camera: base)  // load models and levels
        _ = try await context.readFrameI420()
        var times: [Double] = []
        var triangles: [Double] = []
        var drawTimes: [Double] = []
        let progress = ProgressLine("render \(width)x\(height), \(devices) devices", total: Int64(frames))
        let cpuStart = Self.processCPUNanos()
        for i in 0..<frames {
            var camera = base
            camera.azimuth = (base.azimuth + Double(i) * 3).truncatingRemainder(dividingBy: 360)
            let start = ProgressLine.now()
            let stats = try await context.renderScene(state, changes: [], camera: camera, sceneTimeMicros: Int64(i) * 33_333)
            try await context.finish()
            let drawn = ProgressLine.now()
            _ = try await context.readFrameI420()
            times.append(Double(ProgressLine.now() - start) / 1e6)
            drawTimes.append(Double(drawn - start) / 1e6)
            triangles.append(Double(stats.drawnTriangles))
            progress.update(Int64(i + 1))
        }
        let cpuPerFrame = Double(Self.processCPUNanos() - cpuStart) / 1e6 / Double(frames)
        progress.finish(Int64(frames))
        await context.close()
        return (Percentiles(times), Int(Percentiles(triangles).median), cpuPerFrame, Percentiles(drawTimes).median)
    }

    /// CPU time of every thread of this process (ours and llvmpipe's), in nanoseconds: on a
    /// shared machine it shows the work a frame costs, whatever else is running.
    static func processCPUNanos() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
    }

    /// Median milliseconds to pick the device under a random pixel among 1,000.
    func pickTime() -> Percentiles {
        let state = Self.demoState(1_000)
        let bvhs = Dictionary(uniqueKeysWithValues: BuiltinEquipment.allCases.map { ($0.rawValue, TriangleBVH(mesh: $0.mesh())) })
        let picker = MeshPicker { device in
            if case .builtin(let name) = device.model { return bvhs[name] }
            return nil
        }
        let camera = Camera.overview(of: state)
        var rng = SplitMix64(seed: 9)
        var times: [Double] = []
        for _ in 0..<500 {
            let x = rng.nextUnit() * 1280
            let y = rng.nextUnit() * 720
            let start = ProgressLine.now()
            _ = picker.pick(state: state, camera: camera, x: x, y: y, width: 1280, height: 720)
            times.append(Double(ProgressLine.now() - start) / 1e6)
        }
        return Percentiles(times)
    }

    package func run() async throws -> String {
        var medians: [String: Double] = [:]
        for (devices, width, height) in [(10, 1280, 720), (100, 1280, 720), (1_000, 1280, 720), (100, 1920, 1080)] {
            let (times, triangles, cpu, draw) = try await frameTimes(devices: devices, width: width, height: height)
            Terminal.line(
                "\(height)p/\(devices): median \(Format.fixed(times.median, 1)) ms, p99 \(Format.fixed(times.at(99), 1)) ms (render + I420 readback; drawing alone \(Format.fixed(draw, 1)) ms), \(Format.fixed(cpu, 1)) ms CPU per frame over all threads, \(Format.count(Int64(triangles))) triangles drawn"
            )
            medians["\(height)p/\(devices)"] = times.median
        }
        let changes = try await changeTimes(devices: 100, width: 1280, height: 720)
        Terminal.line(
            "720p/100, one camera, animating: "
                + changes.kinds.map { "\($0.name) \(Format.fixed($0.times.median, 1)) ms" }.joined(separator: ", ")
                + " (medians, render + I420 readback; selections and moves redrew \(Format.fixed(changes.patchedShare * 100, 1))% of the frame)"
        )
        let pick = pickTime()
        Terminal.line("pick among 1,000 devices: median \(Format.fixed(pick.median, 3)) ms, p99 \(Format.fixed(pick.at(99), 3)) ms")
        return "render: 720p/100 \(Format.fixed(medians["720p/100"]!, 1)) ms, 720p/1000 \(Format.fixed(medians["720p/1000"]!, 1)) ms, 1080p/100 \(Format.fixed(medians["1080p/100"]!, 1)) ms, pick \(Format.fixed(pick.median, 3)) ms"
    }
}
