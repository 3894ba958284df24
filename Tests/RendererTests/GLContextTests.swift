import Foundation
import Logging
@testable import Renderer
import Testing

/// The headless GL context: EGL display choice, drawing, RGBA and GPU-converted I420
/// readback, pipelined reads, resource accounting and timings. Runs on whatever EGL
/// offers (llvmpipe through Mesa's surfaceless platform on a CPU-only machine).
@Suite("Headless GL context and frame readback", .serialized)
struct GLContextTests {
    let logger = Logger(label: "test.gl")

    /// BT.601 limited range, as the I420 pass computes it, rounded to bytes.
    static func expectedYUV(_ r: Int, _ g: Int, _ b: Int) -> (y: Int, u: Int, v: Int) {
        let (rf, gf, bf) = (Double(r) / 255, Double(g) / 255, Double(b) / 255)
        let y = 16 + 65.481 * rf + 128.553 * gf + 24.966 * bf
        let u = 128 - 37.797 * rf - 74.203 * gf + 112.0 * bf
        let v = 128 + 112.0 * rf - 93.786 * gf - 18.214 * bf
        return (Int(y.rounded()), Int(u.rounded()), Int(v.rounded()))
    }

    @Test("starts on a headless platform with an OpenGL ES 3 context")
    func startsAndReports() async throws {
        let context = try await GLContext.make(width: 64, height: 48, logger: logger)
        let info = try await context.info
        #expect(info.platform == .surfaceless || info.platform == .device)
        #expect(info.version.hasPrefix("OpenGL ES 3."), "version: \(info.version)")
        #expect(!info.vendor.isEmpty && info.vendor != "unknown")
        #expect(!info.renderer.isEmpty && info.renderer != "unknown")
        // `auto`: 4x MSAA on a GPU, none on a CPU rasterizer, where it triples the frame time.
        #expect(info.samplesPolicy == "auto")
        #expect(info.samples == (info.isSoftwareRasterizer ? 0 : 4), "\(info)")
        #expect(GLInfo.autoSamples(renderer: "llvmpipe (LLVM 15.0.6, 256 bits)") == 0)
        #expect(GLInfo.autoSamples(renderer: "NVIDIA H100 80GB HBM3/PCIe/SSE2") == 4)
        #expect(try await context.size == (64, 48))
        await context.close()
    }

    @Test("each platform can be forced where the driver offers it", arguments: [GLInfo.Platform.surfaceless, .device])
    func forcedPlatform(platform: GLInfo.Platform) async throws {
        let context: GLContext
        do {
            context = try await GLContext.make(width: 32, height: 32, platform: platform, logger: logger)
        } catch {
            // Only a missing platform may fail, and it must say so with its own code.
            #expect(error.code == .noDisplay, "\(error)")
            return
        }
        #expect(try await context.info.platform == platform)
        try await context.clear(red: 1, green: 0, blue: 0)
        #expect(try await context.readFrameRGBA().rgba(x: 5, y: 5) == [255, 0, 0, 255])
        await context.close()
    }

    @Test("a cleared frame reads back with the exact colour everywhere", arguments: [0, 4])
    func clearColour(samples: Int) async throws {
        let context = try await GLContext.make(width: 40, height: 30, samples: samples, logger: logger)
        try await context.clear(red: 51 / 255, green: 102 / 255, blue: 153 / 255, sceneTimeMicros: 1_234)
        let frame = try await context.readFrameRGBA()
        #expect(frame.width == 40 && frame.height == 30 && frame.format == .rgba)
        #expect(frame.sceneTimeMicros == 1_234)
        #expect(frame.bytes.count == 40 * 30 * 4)
        let wrong = stride(from: 0, to: frame.bytes.count, by: 4).filter {
            Array(frame.bytes[$0..<($0 + 4)]) != [51, 102, 153, 255]
        }
        #expect(wrong.isEmpty, "\(wrong.count) pixels differ")
        await context.close()
    }

    @Test("the test pattern reads back with row 0 at the top", arguments: [0, 4])
    func patternOrientation(samples: Int) async throws {
        let (w, h) = (64, 48)
        let context = try await GLContext.make(width: w, height: h, samples: samples, logger: logger)
        try await context.clear(red: 0, green: 0, blue: 0)
        try await context.drawTestPattern()
        let frame = try await context.readFrameRGBA()
        let red: [UInt8] = [255, 0, 0, 255], green: [UInt8] = [0, 255, 0, 255]
        let blue: [UInt8] = [0, 0, 255, 255], white: [UInt8] = [255, 255, 255, 255]
        // Corners, and the pixels on either side of both splits.
        #expect(frame.rgba(x: 0, y: 0) == red)
        #expect(frame.rgba(x: w - 1, y: 0) == green)
        #expect(frame.rgba(x: 0, y: h - 1) == blue)
        #expect(frame.rgba(x: w - 1, y: h - 1) == white)
        #expect(frame.rgba(x: w / 2 - 1, y: h / 2 - 1) == red)
        #expect(frame.rgba(x: w / 2, y: h / 2 - 1) == green)
        #expect(frame.rgba(x: w / 2 - 1, y: h / 2) == blue)
        #expect(frame.rgba(x: w / 2, y: h / 2) == white)
        // Every pixel, by quadrant.
        var mismatches = 0
        for y in 0..<h {
            for x in 0..<w {
                let expected = y < h / 2 ? (x < w / 2 ? red : green) : (x < w / 2 ? blue : white)
                if frame.rgba(x: x, y: y) != expected { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
        await context.close()
    }

    @Test("I420 of a solid colour has BT.601 limited-range values and exact plane sizes",
          arguments: [(64, 48), (18, 14), (2, 2), (1280, 720)], [I420Path.shader, .cpu])
    func i420Solid(size: (Int, Int), path: I420Path) async throws {
        let (w, h) = size
        let context = try await GLContext.make(width: w, height: h, logger: logger)
        await context.useI420Path(path)
        let colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0), (51, 153, 204)]
        for (r, g, b) in colours {
            try await context.clear(red: Float(r) / 255, green: Float(g) / 255, blue: Float(b) / 255, sceneTimeMicros: 7)
            let frame = try await context.readFrameI420()
            #expect(frame.format == .i420 && frame.width == w && frame.height == h && frame.sceneTimeMicros == 7)
            #expect(frame.bytes.count == w * h + 2 * (w / 2) * (h / 2))
            let planes = frame.planes
            #expect(planes.y.count == w * h && planes.u.count == (w / 2) * (h / 2) && planes.v.count == planes.u.count)
            #expect(planes.v.upperBound == frame.bytes.count)
            let want = Self.expectedYUV(r, g, b)
            func within(_ range: Range<Int>, _ value: Int) -> Bool {
                frame.bytes[range].allSatisfy { abs(Int($0) - value) <= 2 }
            }
            #expect(within(planes.y, want.y), "Y for \(r),\(g),\(b): want \(want.y), got \(frame.bytes[planes.y.lowerBound])")
            #expect(within(planes.u, want.u), "U for \(r),\(g),\(b): want \(want.u), got \(frame.bytes[planes.u.lowerBound])")
            #expect(within(planes.v, want.v), "V for \(r),\(g),\(b): want \(want.v), got \(frame.bytes[planes.v.lowerBound])")
        }
        await context.close()
    }

    @Test("I420 of the test pattern keeps row 0 at the top in every plane", arguments: [I420Path.shader, .cpu])
    func i420Orientation(path: I420Path) async throws {
        // Both sizes are multiples of 4, so the quadrant splits fall on chroma block edges
        // and every chroma sample is one flat colour. (The 18x14 solid case covers a U/V
        // boundary inside a 4-byte texel.)
        let (w, h) = (44, 28)
        let context = try await GLContext.make(width: w, height: h, logger: logger)
        await context.useI420Path(path)
        try await context.drawTestPattern()
        let frame = try await context.readFrameI420()
        let quadrants = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)]
        var mismatches: [String] = []
        for y in 0..<h {
            for x in 0..<w {
                let q = (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1)
                let want = Self.expectedYUV(quadrants[q].0, quadrants[q].1, quadrants[q].2)
                let got = frame.yuv(x: x, y: y)
                if abs(Int(got.y) - want.y) > 2 || abs(Int(got.u) - want.u) > 2 || abs(Int(got.v) - want.v) > 2 {
                    mismatches.append("(\(x),\(y)) \(got) != \(want)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        await context.close()
    }

    @Test("odd sizes are rejected with a clear error, and the context stays usable")
    func oddSizes() async throws {
        await #expect {
            _ = try await GLContext.make(width: 17, height: 14, logger: logger)
        } throws: { error in
            let error = error as? RendererError
            return error?.code == .invalidArgument && error?.message.contains("even") == true
        }
        let context = try await GLContext.make(width: 16, height: 14, logger: logger)
        await #expect(throws: RendererError.self) { try await context.resize(width: 64, height: 33) }
        await #expect(throws: RendererError.self) { try await context.resize(width: 0, height: 32) }
        #expect(try await context.size == (16, 14))
        try await context.clear(red: 0, green: 1, blue: 0)
        #expect(try await context.readFrameI420().bytes.count == 16 * 14 * 3 / 2)
        await context.close()
    }

    @Test("the default read returns the frame just drawn; pipelined reads return the previous one")
    func pipelinedReads() async throws {
        let context = try await GLContext.make(width: 32, height: 32, logger: logger)
        func draw(_ r: Float, _ g: Float, _ b: Float, at time: Int64) async throws {
            try await context.clear(red: r, green: g, blue: b, sceneTimeMicros: time)
        }
        try await draw(1, 0, 0, at: 1)
        #expect(try await context.readFramePipelined(.rgba) == nil)
        try await draw(0, 1, 0, at: 2)
        let first = try #require(try await context.readFramePipelined(.rgba))
        #expect(first.sceneTimeMicros == 1 && first.rgba(x: 3, y: 3) == [255, 0, 0, 255])
        // A plain read in between returns its own frame and does not disturb the pipeline.
        try await draw(0, 0, 1, at: 3)
        let now = try await context.readFrameRGBA()
        #expect(now.sceneTimeMicros == 3 && now.rgba(x: 3, y: 3) == [0, 0, 255, 255])
        try await draw(1, 1, 1, at: 4)
        let second = try #require(try await context.readFramePipelined(.rgba))
        #expect(second.sceneTimeMicros == 2 && second.rgba(x: 3, y: 3) == [0, 255, 0, 255])
        // Across a resize, the pending frame keeps its own size; formats can mix.
        try await context.resize(width: 16, height: 8)
        try await draw(0, 0, 0, at: 5)
        let third = try #require(try await context.readFramePipelined(.i420))
        #expect(third.sceneTimeMicros == 4 && third.width == 32 && third.format == .rgba)
        #expect(third.rgba(x: 31, y: 31) == [255, 255, 255, 255])
        try await draw(1, 0, 0, at: 6)
        let fourth = try #require(try await context.readFramePipelined(.rgba))
        #expect(fourth.sceneTimeMicros == 5 && fourth.format == .i420 && fourth.width == 16 && fourth.height == 8)
        #expect(fourth.yuv(x: 0, y: 0).y == 16)
        await context.close()
    }

    @Test("1,000 resize and readback cycles leave the live GL object count unchanged; close frees all")
    func noLeaks() async throws {
        let context = try await GLContext.make(width: 32, height: 32, logger: logger)
        try await context.clear(red: 0, green: 0, blue: 0)
        // The shader path makes the I420 target; later cycles take both paths.
        await context.useI420Path(.shader)
        _ = try await context.readFrameI420()
        let baseline = await context.liveObjectCount
        let kinds = await context.liveObjects
        // MSAA (when `auto` picks it) + resolve + I420 framebuffers; resolve and I420 textures;
        // 2 PBOs; 4 programs (test pattern, byte-by-byte I420, I420 luma and chroma passes).
        let msaa = try await context.info.samples > 0
        #expect(kinds["framebuffer"] == (msaa ? 3 : 2) && kinds["texture"] == 2 && kinds["buffer"] == 2 && kinds["program"] == 4)
        #expect(kinds["shader"] == nil)
        let sizes = [(32, 32), (48, 24), (16, 64), (30, 18)]
        for cycle in 0..<1_000 {
            let (w, h) = sizes[cycle % sizes.count]
            try await context.resize(width: w, height: h)
            try await context.clear(red: 0.5, green: 0.5, blue: 0.5, sceneTimeMicros: Int64(cycle))
            await context.useI420Path(cycle % 4 == 1 ? .shader : .cpu)
            let frame = cycle % 2 == 0 ? try await context.readFrameRGBA() : try await context.readFrameI420()
            if frame.width != w || frame.sceneTimeMicros != Int64(cycle) {
                Issue.record("cycle \(cycle) read the wrong frame")
                break
            }
        }
        #expect(await context.liveObjectCount == baseline)
        await context.close()
        #expect(await context.liveObjectCount == 0)
        await #expect {
            _ = try await context.readFrameRGBA()
        } throws: { ($0 as? RendererError)?.code == .closed }
    }

    @Test("a shader that fails to compile maps to a shader error with the driver's log, leaking nothing")
    func shaderErrors() async throws {
        let context = try await GLContext.make(width: 8, height: 8, logger: logger)
        let before = await context.liveObjectCount
        let error = try #require(await context.compileForTest(fragment: "#version 300 es\nvoid main() { nope; }\n"))
        #expect(error.code == .shader)
        #expect(error.message.contains("fragment shader failed to compile"))
        #expect(error.underlying.map { "\($0)".isEmpty } == false)
        #expect(await context.liveObjectCount == before)
        await context.close()
    }

    @Test("render plus readback at 1280x720 (timings printed)", arguments: [0, 4])
    func timings(samples: Int) async throws {
        let context = try await GLContext.make(width: 1280, height: 720, samples: samples, logger: logger)
        let info = try await context.info
        let clock = ContinuousClock()
        func median(_ body: () async throws -> Frame?) async throws -> (Double, Frame?) {
            var times: [Double] = []
            var last: Frame?
            for _ in 0..<25 {
                let start = clock.now
                last = try await body()
                let elapsed = clock.now - start
                times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1e3)
            }
            return (times.sorted()[times.count / 2], last)
        }
        func draw() async throws {
            try await context.clear(red: 0.1, green: 0.2, blue: 0.3)
            try await context.drawTestPattern()
        }
        let (drawMs, _) = try await median {
            try await draw()
            _ = try await context.size  // no readback: GL work is only queued
            return nil
        }
        let (rgbaMs, rgba) = try await median {
            try await draw()
            return try await context.readFrameRGBA()
        }
        let (i420Ms, i420) = try await median {
            try await draw()
            return try await context.readFrameI420()
        }
        let (pipelinedMs, pipelined) = try await median {
            try await draw()
            return try await context.readFramePipelined(.i420)
        }
        print(String(
            format: "GL timing 1280x720, %@, %dx MSAA, clear + fullscreen pass: queue only %.2f ms; + RGBA readback %.2f ms; + I420 %.2f ms; + I420 pipelined %.2f ms (medians of 25)",
            info.renderer, info.samples, drawMs, rgbaMs, i420Ms, pipelinedMs))
        #expect(rgba?.bytes.count == 1280 * 720 * 4 && rgba?.rgba(x: 0, y: 0) == [255, 0, 0, 255])
        #expect(i420?.bytes.count == 1280 * 720 * 3 / 2 && pipelined?.bytes.count == 1280 * 720 * 3 / 2)
        await context.close()
    }
}

extension GLContext {
    /// Compiles a program on the GL thread and returns the error it raised, if any.
    func compileForTest(fragment: String) -> RendererError? {
        do throws(RendererError) {
            _ = try GLProgram(label: "test", vertex: GLProgram.fullscreenVertexShader, fragment: fragment, counter: counter)
            return nil
        } catch {
            return error
        }
    }
}
