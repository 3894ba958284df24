import CEGL
import Logging

/// Picks and initialises an EGL display that needs no window system.
///
/// Preference order: an NVIDIA GPU through `EGL_EXT_platform_device`; otherwise Mesa's
/// surfaceless platform (llvmpipe on a CPU); otherwise any other EGL device (Mesa's
/// software device, a DRM device). The display stays initialised for the life of the
/// process: EGL displays are process-wide, and terminating one would pull it from under
/// any other context that uses it.
struct EGLDisplaySelection {
    let display: EGLDisplay
    let platform: GLInfo.Platform
    /// The device's extension string, or the platform name, for the logs.
    let detail: String

    /// Chooses a display. `platform` forces one kind; nil picks by what exists.
    static func choose(platform forced: GLInfo.Platform?, logger: Logger) throws(RendererError) -> EGLDisplaySelection {
        let client = extensions(of: nil)
        let devices = canEnumerateDevices(clientExtensions: client) ? enumerateDevices() : []
        let nvidia = devices.first { $0.extensions.contains("EGL_NV_device_cuda") }
        let surfaceless = client.contains("EGL_MESA_platform_surfaceless")
        logger.debug("EGL client extensions probed", metadata: [
            "devices": "\(devices.count)", "nvidia": "\(nvidia != nil)", "surfaceless": "\(surfaceless)",
        ])

        var candidates: [Candidate] = []
        switch forced {
        case nil:
            if let nvidia { candidates.append(.device(nvidia)) }
            if surfaceless { candidates.append(.surfaceless) }
            candidates += devices.filter { $0.handle != nvidia?.handle }.map { .device($0) }
        case .device?:
            if let nvidia { candidates.append(.device(nvidia)) }
            candidates += devices.filter { $0.handle != nvidia?.handle }.map { .device($0) }
        case .surfaceless?:
            if surfaceless { candidates.append(.surfaceless) }
        }

        var lastError: RendererError?
        for candidate in candidates {
            do throws(RendererError) {
                return try open(candidate)
            } catch {
                logger.info("EGL display candidate failed", metadata: ["error": "\(error)"])
                lastError = error
            }
        }
        let wanted = forced.map { "the \($0.rawValue) platform" } ?? "a device or the surfaceless platform"
        throw RendererError(.noDisplay, "No EGL display is available through \(wanted)", underlying: lastError)
    }

    /// Devices can be listed and opened: `EGL_EXT_platform_device` plus either
    /// `EGL_EXT_device_enumeration` (as Mesa names it) or `EGL_EXT_device_base`, which
    /// includes enumeration and query (NVIDIA's driver names only the latter).
    static func canEnumerateDevices(clientExtensions client: Set<Substring>) -> Bool {
        client.contains("EGL_EXT_platform_device")
            && (client.contains("EGL_EXT_device_enumeration") || client.contains("EGL_EXT_device_base"))
    }

    private struct Device {
        let handle: EGLDeviceEXT
        let extensions: Set<Substring>
    }

    private enum Candidate {
        case device(Device)
        case surfaceless
    }

    private static func open(_ candidate: Candidate) throws(RendererError) -> EGLDisplaySelection {
        let display: EGLDisplay?
        let platform: GLInfo.Platform
        let detail: String
        switch candidate {
        case .device(let device):
            display = scenecast_eglGetPlatformDisplayEXT(EGLenum(EGL_PLATFORM_DEVICE_EXT), device.handle, nil)
            platform = .device
            detail = device.extensions.sorted().joined(separator: " ")
        case .surfaceless:
            display = scenecast_eglGetPlatformDisplayEXT(EGLenum(EGL_PLATFORM_SURFACELESS_MESA), nil, nil)
            platform = .surfaceless
            detail = "EGL_PLATFORM_SURFACELESS_MESA"
        }
        guard let display else {
            throw RendererError.egl("eglGetPlatformDisplayEXT found no \(platform.rawValue) display", call: "eglGetPlatformDisplayEXT")
        }
        var major: EGLint = 0
        var minor: EGLint = 0
        guard eglInitialize(display, &major, &minor) == EGLBoolean(EGL_TRUE) else {
            throw RendererError.egl("eglInitialize failed on the \(platform.rawValue) display", call: "eglInitialize")
        }
        return EGLDisplaySelection(display: display, platform: platform, detail: "EGL \(major).\(minor), \(detail)")
    }

    private static func enumerateDevices() -> [Device] {
        var count: EGLint = 0
        guard scenecast_eglQueryDevicesEXT(0, nil, &count) == EGLBoolean(EGL_TRUE), count > 0 else { return [] }
        var handles = [EGLDeviceEXT?](repeating: nil, count: Int(count))
        guard scenecast_eglQueryDevicesEXT(count, &handles, &count) == EGLBoolean(EGL_TRUE) else { return [] }
        return handles.prefix(Int(count)).compactMap { handle in
            guard let handle else { return nil }
            let text = scenecast_eglQueryDeviceStringEXT(handle, EGL_EXTENSIONS).map { String(cString: $0) } ?? ""
            return Device(handle: handle, extensions: Set(text.split(separator: " ")))
        }
    }

    /// The extension names of a display; nil asks for the client extensions.
    static func extensions(of display: EGLDisplay?) -> Set<Substring> {
        guard let raw = eglQueryString(display, EGL_EXTENSIONS) else { return [] }
        return Set(String(cString: raw).split(separator: " "))
    }
}
