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

    /// A frame drawn over the one before converts only the rows it changed, into a copy of
    /// the frame before (`GLReadback`): those rows must come out as a whole conversion makes
    /// them, and no other byte may change.
    @Test("some rows converted over an older frame equal the whole conversion there, and leave the rest",
          arguments: [(0, 2), (4, 10), (130, 180), (0, 180), (20, 150)])
    func rows(range: (Int, Int)) {
        let (w, h) = (320, 180)
        let band = range.0..<range.1
        var random = SplitMix64(seed: UInt64(band.lowerBound * 1000 + band.upperBound))
        let rgba = (0..<(w * h * 4)).map { i in i % 4 == 3 ? UInt8(255) : UInt8(truncatingIfNeeded: random.next()) }
        var whole = [UInt8](repeating: 0, count: w * h * 3 / 2)
        rgba.withUnsafeBytes { source in
            whole.withUnsafeMutableBytes { RGBAToI420.convert(bottomUp: source.baseAddress!, width: w, height: h, into: $0.baseAddress!) }
        }
        let older = [UInt8](repeating: 7, count: whole.count)
        for vectorized in [true, false] {
            var patched = older
            rgba.withUnsafeBytes { source in
                patched.withUnsafeMutableBytes {
                    RGBAToI420.convert(
                        bottomUp: source.baseAddress! + band.lowerBound * w * 4, width: w, height: h, into: $0.baseAddress!, glRows: band,
                        vectorized: vectorized)
                }
            }
            // GL rows [a, b) are the image's rows [h - b, h - a), and their chroma rows halve that.
            let imageRows = (h - band.upperBound)..<(h - band.lowerBound)
            let chromaRows = (imageRows.lowerBound / 2)..<(imageRows.upperBound / 2)
            var changed = Set(imageRows.flatMap { y in (y * w)..<((y + 1) * w) })
            for plane in 0..<2 {
                let start = w * h + plane * (w / 2) * (h / 2)
                changed.formUnion(chromaRows.flatMap { cy in (start + cy * (w / 2))..<(start + (cy + 1) * (w / 2)) })
            }
            let wrong = whole.indices.filter { patched[$0] != (changed.contains($0) ? whole[$0] : older[$0]) }
            #expect(wrong.isEmpty, "\(wrong.count) bytes differ (vectorized: \(vectorized))")
        }
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
