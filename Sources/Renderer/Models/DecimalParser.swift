/// Parses a decimal floating-point token (`-1.5`, `.5`, `2.`, `1e-3`, `+4E+05`, `nan`,
/// `inf`, `-infinity`) from raw bytes, without allocating and independent of the C locale.
///
/// Keeps the first 19 significant digits and scales them by a power of ten in double
/// precision before rounding to `Float`; exact for any coordinate an STL exporter writes.
enum DecimalParser {
    static func parse(_ token: UnsafeRawBufferPointer) -> Float? {
        var i = 0
        let n = token.count
        var negative = false
        if i < n, token[i] == UInt8(ascii: "-") || token[i] == UInt8(ascii: "+") {
            negative = token[i] == UInt8(ascii: "-")
            i += 1
        }
        let rest = UnsafeRawBufferPointer(rebasing: token[i...])
        if STLReader.ASCIIParser.matches("nan", rest) { return .nan }
        if STLReader.ASCIIParser.matches("inf", rest) || STLReader.ASCIIParser.matches("infinity", rest) {
            return negative ? -.infinity : .infinity
        }

        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var sawDigit = false
        while i < n, let d = digit(token[i]) {
            sawDigit = true
            if mantissa == 0 && d == 0 {
                // A leading zero: no significance.
            } else if digits < 19 {
                mantissa = mantissa * 10 + d
                digits += 1
            } else {
                exponent += 1
            }
            i += 1
        }
        if i < n, token[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, let d = digit(token[i]) {
                sawDigit = true
                if mantissa == 0 && d == 0 {
                    exponent -= 1
                } else if digits < 19 {
                    mantissa = mantissa * 10 + d
                    digits += 1
                    exponent -= 1
                }
                i += 1
            }
        }
        guard sawDigit else { return nil }
        if i < n, token[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var expNegative = false
            if i < n, token[i] == UInt8(ascii: "-") || token[i] == UInt8(ascii: "+") {
                expNegative = token[i] == UInt8(ascii: "-")
                i += 1
            }
            var value = 0
            var expDigits = false
            while i < n, let d = digit(token[i]) {
                expDigits = true
                value = Swift.min(value * 10 + Int(d), 100_000)
                i += 1
            }
            guard expDigits else { return nil }
            exponent += expNegative ? -value : value
        }
        guard i == n else { return nil }

        let magnitude: Float
        if mantissa == 0 || exponent < -80 {
            magnitude = 0
        } else if exponent > 60 {
            magnitude = .infinity
        } else {
            let m = Double(mantissa)
            magnitude = Float(exponent >= 0 ? m * powerOfTen(exponent) : m / powerOfTen(-exponent))
        }
        return negative ? -magnitude : magnitude
    }

    private static func digit(_ byte: UInt8) -> UInt64? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? UInt64(byte - UInt8(ascii: "0")) : nil
    }

    /// 10^k for 0 ≤ k ≤ 80 ... (exact up to 10^22).
    private static func powerOfTen(_ k: Int) -> Double {
        var result = 1.0
        var base = 10.0
        var k = k
        if k <= 22 { return exactPowers[k] }
        while k > 0 {
            if k & 1 == 1 { result *= base }
            base *= base
            k >>= 1
        }
        return result
    }

    private static let exactPowers: [Double] = (0...22).map { k in
        var p = 1.0
        for _ in 0..<k { p *= 10 }
        return p
    }
}
