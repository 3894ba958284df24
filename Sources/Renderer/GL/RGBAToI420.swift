/// How a frame becomes I420 for the encoder.
package enum I420Path: String, Sendable, Equatable {
    /// `GLI420Converter`'s fragment shaders, then a read of the packed planes: best on a GPU,
    /// which converts in a fraction of a millisecond and reads back 40% of the bytes.
    case shader
    /// A read of the RGBA image and `RGBAToI420` on the GL thread: best on a CPU
    /// rasterizer, where the shader pass costs about three times the CPU of this loop
    /// (llvmpipe at 1280×720: 2.4 ms on both cores against 1.6 ms on one).
    case cpu

    /// `cpu` on a software rasterizer, `shader` on a GPU.
    package static func auto(softwareRasterizer: Bool) -> I420Path {
        softwareRasterizer ? .cpu : .shader
    }
}

/// RGBA to I420 on the CPU: BT.601 limited range (Y in 16...235, U and V in 16...240), the
/// same values as the shader pass to within one step. Chroma is the mean of each 2×2 block.
/// Fixed point with 16 fractional bits; one pass reads two image rows and writes two Y rows
/// and one row of U and of V.
enum RGBAToI420 {
    /// Converts `source`, GL's bottom-up RGBA rows (`width * 4` bytes each, no padding),
    /// into `destination`: the Y plane, then U, then V, rows top to bottom. Both sizes must
    /// be even; `destination` holds `width * height * 3 / 2` bytes.
    static func convert(bottomUp source: UnsafeRawPointer, width: Int, height: Int, into destination: UnsafeMutableRawPointer) {
        precondition(width % 2 == 0 && height % 2 == 0 && width > 0 && height > 0, "I420 needs even sizes")
        let rgba = source.assumingMemoryBound(to: UInt8.self)
        let out = destination.assumingMemoryBound(to: UInt8.self)
        let chromaWidth = width / 2
        let uPlane = out + width * height
        let vPlane = uPlane + chromaWidth * (height / 2)
        let stride = width * 4
        for cy in 0..<(height / 2) {
            // Image row 2·cy is GL's row height − 1 − 2·cy.
            let top = rgba + (height - 1 - 2 * cy) * stride
            rowPair(
                top: top, bottom: top - stride, luma0: out + 2 * cy * width, luma1: out + (2 * cy + 1) * width,
                u: uPlane + cy * chromaWidth, v: vPlane + cy * chromaWidth, blocks: chromaWidth)
        }
    }

    /// Luma of one pixel: 16 + (65.481 R + 128.553 G + 24.966 B) / 255, rounded.
    @inline(__always)
    private static func luma(_ r: Int32, _ g: Int32, _ b: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: (r &* 16_829 &+ g &* 33_039 &+ b &* 6_416 &+ 1_081_344) >> 16)
    }

    /// Two rows of 2×2 blocks. Chroma weights are the BT.601 ones divided by 4 × 255, so
    /// they apply to the sum of a block's four pixels.
    @inline(__always)
    private static func rowPair(
        top a: UnsafePointer<UInt8>, bottom b: UnsafePointer<UInt8>, luma0: UnsafeMutablePointer<UInt8>,
        luma1: UnsafeMutablePointer<UInt8>, u: UnsafeMutablePointer<UInt8>, v: UnsafeMutablePointer<UInt8>, blocks: Int
    ) {
        for x in 0..<blocks {
            let i = 8 &* x
            let r0 = Int32(a[i]), g0 = Int32(a[i &+ 1]), b0 = Int32(a[i &+ 2])
            let r1 = Int32(a[i &+ 4]), g1 = Int32(a[i &+ 5]), b1 = Int32(a[i &+ 6])
            let r2 = Int32(b[i]), g2 = Int32(b[i &+ 1]), b2 = Int32(b[i &+ 2])
            let r3 = Int32(b[i &+ 4]), g3 = Int32(b[i &+ 5]), b3 = Int32(b[i &+ 6])
            luma0[2 &* x] = luma(r0, g0, b0)
            luma0[2 &* x &+ 1] = luma(r1, g1, b1)
            luma1[2 &* x] = luma(r2, g2, b2)
            luma1[2 &* x &+ 1] = luma(r3, g3, b3)
            let r = r0 &+ r1 &+ r2 &+ r3, g = g0 &+ g1 &+ g2 &+ g3, bl = b0 &+ b1 &+ b2 &+ b3
            // 128 + (−37.797 R − 74.203 G + 112 B) / 255 and 128 + (112 R − 93.786 G − 18.214 B) / 255.
            u[x] = UInt8(truncatingIfNeeded: (r &* -2_428 &+ g &* -4_768 &+ bl &* 7_196 &+ 8_421_376) >> 16)
            v[x] = UInt8(truncatingIfNeeded: (r &* 7_196 &+ g &* -6_026 &+ bl &* -1_170 &+ 8_421_376) >> 16)
        }
    }
}
