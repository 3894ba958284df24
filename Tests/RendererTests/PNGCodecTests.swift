import Renderer
import Testing

@Suite("PNG codec")
struct PNGCodecTests {
    func gradient(_ w: Int, _ h: Int) -> RGBAImage {
        var px: [UInt8] = []
        for y in 0..<h {
            for x in 0..<w { px += [UInt8(x * 255 / max(w - 1, 1)), UInt8(y * 255 / max(h - 1, 1)), UInt8((x ^ y) & 0xFF), 255 - UInt8(x % 7)] }
        }
        return RGBAImage(width: w, height: h, pixels: px)
    }

    @Test("encode then decode gives the same pixels", arguments: [(1, 1), (3, 5), (64, 48), (257, 3)])
    func roundTrip(_ size: (Int, Int)) throws {
        let image = gradient(size.0, size.1)
        let png = try PNGCodec.encode(image)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(try PNGCodec.decode(png) == image)
    }

    @Test("flat images compress well")
    func compression() throws {
        let image = RGBAImage(width: 320, height: 240, pixels: [UInt8](repeating: 200, count: 320 * 240 * 4))
        #expect(try PNGCodec.encode(image).count < 2_000)
    }

    @Test("broken files get png_invalid, never a crash")
    func broken() throws {
        let good = try PNGCodec.encode(gradient(8, 8))
        for bad in [[], Array(good.prefix(20)), Array(good.dropLast(30)), [UInt8](repeating: 7, count: 100)] {
            let error = #expect(throws: RendererError.self) { try PNGCodec.decode(bad) }
            #expect(error?.code == .pngInvalid)
        }
    }

    @Test("the image diff counts pixels beyond the tolerance")
    func diff() throws {
        let a = gradient(10, 10)
        var b = a
        b.pixels[0] = b.pixels[0] &+ 100
        b.pixels[4] = b.pixels[4] &+ 3
        let d = try #require(ImageDiff(a, b, channelTolerance: 8))
        #expect(d.differingPixels == 1)
        #expect(d.maxChannelDifference == 100)
        #expect(d.within(fraction: 0.01))
        #expect(!d.within(fraction: 0.001))
        #expect(ImageDiff(a, gradient(9, 10)) == nil)
    }
}
