import Foundation

/// Compares two images with a tolerance, for golden-image tests: antialiasing and
/// rasterizer rounding differ slightly between drivers, so exact equality is too strict.
package struct ImageDiff: Sendable, Equatable {
    /// Pixels whose largest channel difference exceeds `channelTolerance`.
    package var differingPixels: Int
    package var totalPixels: Int
    package var maxChannelDifference: Int
    /// The sum of squared differences over the red, green and blue channels.
    package var squaredError: Double

    /// Peak signal-to-noise ratio over R, G and B in dB (255 peak); infinite for identical images.
    package var psnr: Double {
        guard squaredError > 0, totalPixels > 0 else { return .infinity }
        let mse = squaredError / Double(totalPixels * 3)
        return 10 * log10(255 * 255 / mse)
    }

    package var differingFraction: Double { totalPixels == 0 ? 0 : Double(differingPixels) / Double(totalPixels) }

    /// nil when the sizes differ.
    package init?(_ a: RGBAImage, _ b: RGBAImage, channelTolerance: Int = 8) {
        guard a.width == b.width, a.height == b.height else { return nil }
        var differing = 0
        var maxDiff = 0
        var squared = 0
        for p in 0..<(a.width * a.height) {
            var worst = 0
            for ch in 0..<4 {
                let d = abs(Int(a.pixels[p * 4 + ch]) - Int(b.pixels[p * 4 + ch]))
                worst = max(worst, d)
                if ch < 3 { squared += d * d }
            }
            maxDiff = max(maxDiff, worst)
            if worst > channelTolerance { differing += 1 }
        }
        differingPixels = differing
        totalPixels = a.width * a.height
        maxChannelDifference = maxDiff
        squaredError = Double(squared)
    }

    /// True when at most `fraction` of the pixels differ beyond the channel tolerance.
    package func within(fraction: Double) -> Bool { differingFraction <= fraction }
}
