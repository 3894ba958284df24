/// What the GL context runs on, for `/health` and the logs.
package struct GLInfo: Sendable, Equatable, CustomStringConvertible {
    /// How the EGL display was obtained.
    package enum Platform: String, Sendable, Equatable {
        /// `EGL_EXT_platform_device`: a GPU (or software) device with no window system.
        case device
        /// Mesa's `EGL_PLATFORM_SURFACELESS_MESA` (llvmpipe on a CPU).
        case surfaceless
    }

    package let platform: Platform
    /// `GL_VENDOR`, `GL_RENDERER` and `GL_VERSION` as the driver reports them.
    package let vendor: String
    package let renderer: String
    package let version: String
    /// The MSAA sample count in use (0 when multisampling is off).
    package let samples: Int
    /// How `samples` was chosen: `"auto"` or `"requested"`.
    package var samplesPolicy = "requested"

    package var description: String {
        "\(platform.rawValue): \(renderer) (\(vendor)), \(version), \(samples)x MSAA (\(samplesPolicy))"
    }

    /// True for a rasterizer that runs on the CPU (Mesa's llvmpipe or softpipe, SwiftShader),
    /// where multisampling costs about three times the frame and triangles are dear.
    package var isSoftwareRasterizer: Bool {
        GLInfo.isSoftware(renderer: renderer)
    }

    package static func isSoftware(renderer: String) -> Bool {
        let name = renderer.lowercased()
        return ["llvmpipe", "softpipe", "swiftshader", "software"].contains { name.contains($0) }
    }

    /// The MSAA samples `auto` picks: 4 on a GPU, none on a CPU rasterizer.
    package static func autoSamples(renderer: String) -> Int {
        isSoftware(renderer: renderer) ? 0 : 4
    }
}
