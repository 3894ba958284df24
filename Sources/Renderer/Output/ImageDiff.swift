/// Compares two images with a tolerance, for golden-image tests: antialiasing and
/// rasterizer rounding differ slightly between drivers, so exact equality is too strict.
package struct ImageDiff: Sendable, Equatable {
    /// Pixels whose largest channel difference exceeds `channelTolerance`.
    package var differingPixels: Int
    package var totalPixels: Int
    package var maxChannelDifference: Int

    package var differingFraction: Double { totalPixels == 0 ? 0 : Double(differingPixels) / Double(totalPixels) }

    /// nil when the sizes differ.
    package init?(_ a: RGBAImage, _ b: RGBAImage, channelTolerance: Int = 8) {
        guard a.width == b.width, a.height == b.height else { return nil }
        var differing = 0
        var maxDiff = 0
        for p in 0..<(a.width * a.height) {
            var worst = 0
            for ch in 0..<4 {
                worst = max(worst, abs(Int(a.pixels[p * 4 + ch]) - Int(b.pixels[p * 4 + ch])))
            }
            maxDiff = max(maxDiff, worst)
            if worst > channelTolerance { differing += 1 }
        }
        differingPixels = differing
        totalPixels = a.width * a.height
        maxChannelDifference = maxDiff
    }

    /// True when at most `fraction` of the pixels differ beyond the channel tolerance.
    package func within(fraction: Double) -> Bool { differingFraction <= fraction }
}
