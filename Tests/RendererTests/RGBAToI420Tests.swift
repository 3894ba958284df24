import Testing

@testable import Renderer
@testable import SceneLedger

/// The CPU conversion against BT.601 in double precision, pixel by pixel.
@Suite("RGBA to I420 on the CPU")
struct RGBAToI420Tests {
    /// The exact limited-range values of one RGB triple (0...255 each).
    static func reference(_ r: Double, _ g: Double, _ b: Double) -> (y: Double, u: Double, v: Double) {
        (16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255,
         128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255,
         128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255)
    }

    /// Sizes cover the SIMD loops (16 pixels, 8 blocks), the scalar tails and both together,
    /// and images tall enough to be split between two threads (64 row pairs or more).
    @Test("every byte is within one step of BT.601, rows flipped, planes in order; the SIMD and scalar loops, and one thread or two, agree to the byte",
          arguments: [(2, 2), (6, 4), (64, 36), (38, 4), (40, 6), (1280, 2), (320, 180), (322, 130)])
    func matchesReference(size: (Int, Int)) {
        let (w, h) = size
        var random = SplitMix64(seed: UInt64(w * 1000 + h))
        // GL's order: row 0 is the image's bottom row.
        let rgba = (0..<(w * h * 4)).map { i in i % 4 == 3 ? UInt8(255) : UInt8(truncatingIfNeeded: random.next()) }
        func convert(vectorized: Bool, parallel: Bool = true) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: w * h * 3 / 2)
            rgba.withUnsafeBytes { source in
                out.withUnsafeMutableBytes {
                    RGBAToI420.convert(
                        bottomUp: source.baseAddress!, width: w, height: h, into: $0.baseAddress!, vectorized: vectorized, parallel: parallel)
                }
            }
            return out
        }
        let out = convert(vectorized: true)
        #expect(out == convert(vectorized: false))
        #expect(out == convert(vectorized: true, parallel: false))
        func pixel(_ x: Int, _ y: Int) -> (Double, Double, Double) {
            let i = ((h - 1 - y) * w + x) * 4
            return (Double(rgba[i]), Double(rgba[i + 1]), Double(rgba[i + 2]))
        }
        var worst = 0.0
        for y in 0..<h {
            for x in 0..<w {
                let (r, g, b) = pixel(x, y)
                worst = max(worst, abs(Double(out[y * w + x]) - Self.reference(r, g, b).y))
            }
        }
        let chroma = (w / 2) * (h / 2)
        for cy in 0..<(h / 2) {
            for cx in 0..<(w / 2) {
                let block = [pixel(2 * cx, 2 * cy), pixel(2 * cx + 1, 2 * cy), pixel(2 * cx, 2 * cy + 1), pixel(2 * cx + 1, 2 * cy + 1)]
                let mean = block.reduce((0.0, 0.0, 0.0)) { ($0.0 + $1.0 / 4, $0.1 + $1.1 / 4, $0.2 + $1.2 / 4) }
                let want = Self.reference(mean.0, mean.1, mean.2)
                worst = max(worst, abs(Double(out[w * h + cy * (w / 2) + cx]) - want.u))
                worst = max(worst, abs(Double(out[w * h + chroma + cy * (w / 2) + cx]) - want.v))
            }
        }
        #expect(worst <= 1.0, "largest difference from BT.601: \(worst)")
    }

    @Test("black and white reach the ends of the limited range")
    func extremes() {
        for (value, luma) in [(UInt8(0), UInt8(16)), (255, 235)] {
            let rgba = [UInt8](repeating: value, count: 4 * 4 * 4)
            var out = [UInt8](repeating: 0, count: 24)
            rgba.withUnsafeBytes { source in
                out.withUnsafeMutableBytes { RGBAToI420.convert(bottomUp: source.baseAddress!, width: 4, height: 4, into: $0.baseAddress!) }
            }
            #expect(out[0..<16].allSatisfy { $0 == luma })
            #expect(out[16..<24].allSatisfy { $0 == 128 })
        }
    }

    @Test("auto picks the CPU on a software rasterizer and the shader on a GPU")
    func autoPath() {
        #expect(I420Path.auto(softwareRasterizer: GLInfo.isSoftware(renderer: "llvmpipe (LLVM 15.0.6, 256 bits)")) == .cpu)
        #expect(I420Path.auto(softwareRasterizer: GLInfo.isSoftware(renderer: "NVIDIA H100 80GB HBM3/PCIe/SSE2")) == .shader)
    }
}
