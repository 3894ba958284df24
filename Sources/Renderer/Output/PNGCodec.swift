import CZlib

extension RendererError.Code {
    /// Bytes that are not a PNG this codec reads (8-bit RGB or RGBA, not interlaced).
    package static let pngInvalid = RendererError.Code("png_invalid")
    /// zlib failed to compress.
    package static let pngEncode = RendererError.Code("png_encode")
}

/// An 8-bit RGBA image, rows top to bottom.
package struct RGBAImage: Sendable, Equatable {
    package var width: Int
    package var height: Int
    package var pixels: [UInt8]

    package init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(pixels.count == width * height * 4, "RGBA needs width × height × 4 bytes")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    package subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8, a: UInt8) {
        let i = (y * width + x) * 4
        return (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3])
    }
}

/// PNG encoding and decoding over zlib, for `scenecast render` and golden-image tests.
package enum PNGCodec {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Encodes RGBA pixels as a PNG (colour type 6), choosing each row's filter by the
    /// minimum-sum-of-absolutes heuristic.
    package static func encode(_ image: RGBAImage, level: Int32 = 6) throws(RendererError) -> [UInt8] {
        let stride = image.width * 4
        var filtered = [UInt8](repeating: 0, count: image.height * (stride + 1))
        var candidate = [UInt8](repeating: 0, count: stride)
        image.pixels.withUnsafeBufferPointer { px in
            for y in 0..<image.height {
                let row = px.baseAddress! + y * stride
                let prior: UnsafePointer<UInt8>? = y > 0 ? row - stride : nil
                var bestFilter: UInt8 = 0
                var bestScore = Int.max
                var best = [UInt8](repeating: 0, count: stride)
                for filter in UInt8(0)...4 {
                    var score = 0
                    for i in 0..<stride {
                        let a = i >= 4 ? Int(row[i - 4]) : 0
                        let b = prior.map { Int($0[i]) } ?? 0
                        let c = (i >= 4 ? prior.map { Int($0[i - 4]) } : nil) ?? 0
                        let value = UInt8(truncatingIfNeeded: Int(row[i]) - predictor(filter, a, b, c))
                        candidate[i] = value
                        score += value < 128 ? Int(value) : 256 - Int(value)
                    }
                    if score < bestScore {
                        bestScore = score
                        bestFilter = filter
                        best = candidate
                    }
                }
                let out = y * (stride + 1)
                filtered[out] = bestFilter
                filtered.replaceSubrange((out + 1)...(out + stride), with: best)
            }
        }
        var compressed = [UInt8](repeating: 0, count: Int(compressBound(uLong(filtered.count))))
        var length = uLongf(compressed.count)
        let rc = compress2(&compressed, &length, filtered, uLong(filtered.count), level)
        guard rc == Z_OK else { throw RendererError(.pngEncode, "zlib could not compress the image (code \(rc))") }
        compressed.removeSubrange(Int(length)...)

        var png = signature
        var header: [UInt8] = []
        appendUInt32(UInt32(image.width), to: &header)
        appendUInt32(UInt32(image.height), to: &header)
        header += [8, 6, 0, 0, 0]
        appendChunk("IHDR", header, to: &png)
        appendChunk("IDAT", compressed, to: &png)
        appendChunk("IEND", [], to: &png)
        return png
    }

    /// Decodes an 8-bit, non-interlaced RGB or RGBA PNG into RGBA.
    package static func decode(_ bytes: [UInt8]) throws(RendererError) -> RGBAImage {
        guard bytes.count > 8, Array(bytes[0..<8]) == signature else {
            throw RendererError(.pngInvalid, "not a PNG file (bad signature)")
        }
        var offset = 8
        var width = 0
        var height = 0
        var channels = 0
        var idat: [UInt8] = []
        while offset + 12 <= bytes.count {
            let length = Int(readUInt32(bytes, offset))
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard length >= 0, offset + 12 + length <= bytes.count else {
                throw RendererError(.pngInvalid, "PNG chunk \(type) runs past the end of the file")
            }
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            switch type {
            case "IHDR":
                guard data.count == 13 else { throw RendererError(.pngInvalid, "PNG header has the wrong size") }
                width = Int(readUInt32(data, 0))
                height = Int(readUInt32(data, 4))
                guard data[8] == 8, data[12] == 0, data[10] == 0, data[11] == 0 else {
                    throw RendererError(.pngInvalid, "only 8-bit, non-interlaced PNGs are supported")
                }
                switch data[9] {
                case 6: channels = 4
                case 2: channels = 3
                default: throw RendererError(.pngInvalid, "PNG colour type \(data[9]) is not RGB or RGBA")
                }
                guard width > 0, height > 0, width <= 16_384, height <= 16_384 else {
                    throw RendererError(.pngInvalid, "PNG size \(width)x\(height) is out of range")
                }
            case "IDAT": idat += data
            case "IEND": offset = bytes.count
            default: break
            }
            offset += 12 + length
        }
        guard channels > 0 else { throw RendererError(.pngInvalid, "PNG has no header") }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var rawLength = uLongf(raw.count)
        let rc = uncompress(&raw, &rawLength, idat, uLong(idat.count))
        guard rc == Z_OK, Int(rawLength) == raw.count else {
            throw RendererError(.pngInvalid, "PNG image data is corrupt (zlib code \(rc))")
        }
        var pixels = [UInt8](repeating: 255, count: width * height * 4)
        var previous = [UInt8](repeating: 0, count: stride)
        var current = [UInt8](repeating: 0, count: stride)
        for y in 0..<height {
            let base = y * (stride + 1)
            let filter = raw[base]
            guard filter <= 4 else { throw RendererError(.pngInvalid, "PNG row \(y) has filter \(filter)") }
            for i in 0..<stride {
                let a = i >= channels ? Int(current[i - channels]) : 0
                let b = Int(previous[i])
                let c = i >= channels ? Int(previous[i - channels]) : 0
                current[i] = UInt8(truncatingIfNeeded: Int(raw[base + 1 + i]) + predictor(filter, a, b, c))
            }
            for x in 0..<width {
                for ch in 0..<channels { pixels[(y * width + x) * 4 + ch] = current[x * channels + ch] }
            }
            swap(&previous, &current)
        }
        return RGBAImage(width: width, height: height, pixels: pixels)
    }

    static func predictor(_ filter: UInt8, _ a: Int, _ b: Int, _ c: Int) -> Int {
        switch filter {
        case 1: return a
        case 2: return b
        case 3: return (a + b) / 2
        case 4:
            let p = a + b - c
            let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
            return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
        default: return 0
        }
    }

    static func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
        out += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    static func readUInt32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    static func appendChunk(_ type: String, _ data: [UInt8], to out: inout [UInt8]) {
        appendUInt32(UInt32(data.count), to: &out)
        let typed = Array(type.utf8) + data
        out += typed
        appendUInt32(UInt32(crc32(0, typed, uInt(typed.count))), to: &out)
    }
}
