import Dispatch

/// How a frame becomes I420 for the encoder.
package enum I420Path: String, Sendable, Equatable {
    /// `GLI420Converter`'s fragment shaders, then a read of the packed planes: best on a GPU,
    /// which converts in a fraction of a millisecond and reads back 40% of the bytes.
    case shader
    /// A read of the RGBA image and `RGBAToI420` on the GL thread: best on a CPU
    /// rasterizer, where the shader pass costs several times the CPU of this loop
    /// (llvmpipe at 1280×720: 2.4 ms on both cores against 0.9 ms on one).
    case cpu

    /// `cpu` on a software rasterizer, `shader` on a GPU.
    package static func auto(softwareRasterizer: Bool) -> I420Path {
        softwareRasterizer ? .cpu : .shader
    }
}

/// RGBA to I420 on the CPU: BT.601 limited range (Y in 16...235, U and V in 16...240), the
/// same values as the shader pass to within one step. Chroma is the mean of each 2×2 block.
/// Fixed point with 16 fractional bits. Each pair of image rows makes two Y rows, sixteen
/// pixels at a time in SIMD lanes, and one row of U and of V, eight blocks at a time; a
/// scalar loop with the same arithmetic takes the rest of a row, so every byte is the same
/// whichever loop made it. At 720p: 0.9 ms on one core (1.6 ms all scalar); frames of 128
/// rows or more are split between two threads (animated 720p frames 3.5–3.7 → 3.0 ms).
///
/// Debug builds take the scalar loop only: without optimization generic SIMD code is not
/// specialized and runs about 70 times slower than the scalar loop (395 ms against 5.8 ms
/// at 720p). The tests run both loops on small images and compare them.
#if !_endian(little)
#error("RGBAToI420 reads pixels as little-endian integers")
#endif

enum RGBAToI420 {
    /// Pointers handed to the second thread, which writes rows the first never touches;
    /// `convert` returns only after both are done.
    private struct UnsafeSendable<Pointer>: @unchecked Sendable {
        let value: Pointer
        init(_ value: Pointer) { self.value = value }
    }

    /// Converts `source`, GL's bottom-up RGBA rows (`width * 4` bytes each, no padding),
    /// into `destination`: the Y plane, then U, then V, rows top to bottom. Both sizes must
    /// be even; `destination` holds `width * height * 3 / 2` bytes.
    ///
    /// With `glRows`, `source` holds only those rows of the `width`×`height` image (its first
    /// row is GL's row `glRows.lowerBound`; both bounds even), and only their bytes of
    /// `destination` are written: the rest keeps the frame it holds.
    static func convert(
        bottomUp source: UnsafeRawPointer, width: Int, height: Int, into destination: UnsafeMutableRawPointer,
        glRows: Range<Int>? = nil, vectorized: Bool = vectorizedByDefault, parallel: Bool = true
    ) {
        precondition(width % 2 == 0 && height % 2 == 0 && width > 0 && height > 0, "I420 needs even sizes")
        let rows = glRows ?? 0..<height
        precondition(rows.lowerBound >= 0 && rows.upperBound <= height && rows.lowerBound % 2 == 0 && rows.upperBound % 2 == 0,
                     "I420 rows must be whole pairs inside the image")
        // GL rows run bottom-up: the image's top row pair is GL's last.
        let pairs = (height - rows.upperBound) / 2..<(height - rows.lowerBound) / 2
        // Two halves of the rows on two threads: the GL thread and one more, while the
        // rasterizer's own threads sit idle after the frame. On a busy machine the second
        // half waits for a core, never longer than the loop would take alone.
        guard parallel, pairs.count >= 64 else {
            convert(bottomUp: source, firstRow: rows.lowerBound, width: width, height: height, into: destination, rowPairs: pairs,
                    vectorized: vectorized)
            return
        }
        let (src, dst) = (UnsafeSendable(source), UnsafeSendable(destination))
        let middle = pairs.lowerBound + pairs.count / 2
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            let part = half == 0 ? pairs.lowerBound..<middle : middle..<pairs.upperBound
            convert(bottomUp: src.value, firstRow: rows.lowerBound, width: width, height: height, into: dst.value, rowPairs: part,
                    vectorized: vectorized)
        }
    }

    /// Converts the image rows `2 · rowPairs` (and the chroma rows `rowPairs`); `source`
    /// starts at GL's row `firstRow`.
    private static func convert(
        bottomUp source: UnsafeRawPointer, firstRow: Int, width: Int, height: Int, into destination: UnsafeMutableRawPointer,
        rowPairs: Range<Int>, vectorized: Bool
    ) {
        let chromaWidth = width / 2
        let uPlane = destination + width * height
        let vPlane = uPlane + chromaWidth * (height / 2)
        let stride = width * 4
        for cy in rowPairs {
            // Image row 2·cy is GL's row height − 1 − 2·cy.
            let top = source + (height - 1 - 2 * cy - firstRow) * stride
            let bottom = top - stride
            lumaRow(top, into: destination + 2 * cy * width, count: width, vectorized: vectorized)
            lumaRow(bottom, into: destination + (2 * cy + 1) * width, count: width, vectorized: vectorized)
            chromaRow(top, bottom, u: uPlane + cy * chromaWidth, v: vPlane + cy * chromaWidth, blocks: chromaWidth, vectorized: vectorized)
        }
    }

    /// The SIMD loops in optimized builds, the scalar loop in debug builds.
    static var vectorizedByDefault: Bool {
        #if DEBUG
        false
        #else
        true
        #endif
    }

    // Luma: 16 + (65.481 R + 128.553 G + 24.966 B) / 255, rounded.
    private static let lumaR: UInt32 = 16_829
    private static let lumaG: UInt32 = 33_039
    private static let lumaB: UInt32 = 6_416
    private static let lumaOffset: UInt32 = 1_081_344  // (16 << 16) + one half
    // Chroma: the BT.601 weights divided by 4 × 255, for the sum of a block's four pixels:
    // 128 + (−37.797 R − 74.203 G + 112 B) / 255 and 128 + (112 R − 93.786 G − 18.214 B) / 255.
    private static let uWeights: (Int32, Int32, Int32) = (-2_428, -4_768, 7_196)
    private static let vWeights: (Int32, Int32, Int32) = (7_196, -6_026, -1_170)
    private static let chromaOffset: Int32 = 8_421_376  // (128 << 16) + one half

    /// One row of Y: pixels are little-endian `UInt32`s, R in the low byte.
    @inline(__always)
    private static func lumaRow(_ row: UnsafeRawPointer, into out: UnsafeMutableRawPointer, count: Int, vectorized: Bool) {
        let byte = SIMD16<UInt32>(repeating: 0xFF)
        var x = 0
        while vectorized, x + 16 <= count {
            let p = row.loadUnaligned(fromByteOffset: 4 &* x, as: SIMD16<UInt32>.self)
            let y = ((p & byte) &* lumaR &+ ((p &>> 8) & byte) &* lumaG &+ ((p &>> 16) & byte) &* lumaB &+ lumaOffset) &>> 16
            out.storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: y), toByteOffset: x, as: SIMD16<UInt8>.self)
            x &+= 16
        }
        let pixels = row.assumingMemoryBound(to: UInt8.self)
        let bytes = out.assumingMemoryBound(to: UInt8.self)
        while x < count {
            let (r, g, b) = (UInt32(pixels[4 &* x]), UInt32(pixels[4 &* x &+ 1]), UInt32(pixels[4 &* x &+ 2]))
            bytes[x] = UInt8(truncatingIfNeeded: (r &* lumaR &+ g &* lumaG &+ b &* lumaB &+ lumaOffset) >> 16)
            x &+= 1
        }
    }

    /// One row of U and of V from two image rows. A block's two pixels in a row are one
    /// little-endian `UInt64`: the first in the low half.
    @inline(__always)
    private static func chromaRow(
        _ top: UnsafeRawPointer, _ bottom: UnsafeRawPointer, u: UnsafeMutableRawPointer, v: UnsafeMutableRawPointer, blocks: Int,
        vectorized: Bool
    ) {
        let byte = SIMD8<UInt64>(repeating: 0xFF)
        var x = 0
        while vectorized, x + 8 <= blocks {
            let a = top.loadUnaligned(fromByteOffset: 8 &* x, as: SIMD8<UInt64>.self)
            let b = bottom.loadUnaligned(fromByteOffset: 8 &* x, as: SIMD8<UInt64>.self)
            /// The sum of one channel (at bit `shift` of each pixel) over the four pixels of each block.
            func sum(_ shift: UInt64) -> SIMD8<Int32> {
                SIMD8<Int32>(truncatingIfNeeded:
                    ((a &>> shift) & byte) &+ ((a &>> (shift &+ 32)) & byte) &+ ((b &>> shift) & byte) &+ ((b &>> (shift &+ 32)) & byte))
            }
            let (r, g, bl) = (sum(0), sum(8), sum(16))
            let uu = (r &* uWeights.0 &+ g &* uWeights.1 &+ bl &* uWeights.2 &+ chromaOffset) &>> 16
            let vv = (r &* vWeights.0 &+ g &* vWeights.1 &+ bl &* vWeights.2 &+ chromaOffset) &>> 16
            u.storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: uu), toByteOffset: x, as: SIMD8<UInt8>.self)
            v.storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: vv), toByteOffset: x, as: SIMD8<UInt8>.self)
            x &+= 8
        }
        let (p, q) = (top.assumingMemoryBound(to: UInt8.self), bottom.assumingMemoryBound(to: UInt8.self))
        let (uBytes, vBytes) = (u.assumingMemoryBound(to: UInt8.self), v.assumingMemoryBound(to: UInt8.self))
        while x < blocks {
            let i = 8 &* x
            let r = Int32(p[i]) &+ Int32(p[i &+ 4]) &+ Int32(q[i]) &+ Int32(q[i &+ 4])
            let g = Int32(p[i &+ 1]) &+ Int32(p[i &+ 5]) &+ Int32(q[i &+ 1]) &+ Int32(q[i &+ 5])
            let bl = Int32(p[i &+ 2]) &+ Int32(p[i &+ 6]) &+ Int32(q[i &+ 2]) &+ Int32(q[i &+ 6])
            uBytes[x] = UInt8(truncatingIfNeeded: (r &* uWeights.0 &+ g &* uWeights.1 &+ bl &* uWeights.2 &+ chromaOffset) >> 16)
            vBytes[x] = UInt8(truncatingIfNeeded: (r &* vWeights.0 &+ g &* vWeights.1 &+ bl &* vWeights.2 &+ chromaOffset) >> 16)
            x &+= 1
        }
    }
}
