@testable import Renderer
import Testing

@Suite("Choosing an EGL display")
struct EGLDisplaySelectionTests {
    private func extensions(_ text: String) -> Set<Substring> { Set(text.split(separator: " ")) }

    @Test("devices are listed under Mesa's and NVIDIA's extension names, and only with the device platform")
    func deviceEnumeration() {
        // Mesa 22 (this machine): enumeration named on its own.
        let mesa = extensions(
            "EGL_EXT_device_base EGL_EXT_device_enumeration EGL_EXT_device_query EGL_EXT_platform_base EGL_EXT_platform_device EGL_MESA_platform_surfaceless")
        // NVIDIA 580 (read off an H100): only EGL_EXT_device_base, which includes enumeration.
        let nvidia = extensions(
            "EGL_EXT_platform_base EGL_EXT_device_base EGL_KHR_client_get_all_proc_addresses EGL_EXT_client_extensions EGL_KHR_debug EGL_KHR_platform_x11 EGL_EXT_platform_x11 EGL_EXT_platform_device EGL_MESA_platform_surfaceless EGL_EXT_explicit_device")
        #expect(EGLDisplaySelection.canEnumerateDevices(clientExtensions: mesa))
        #expect(EGLDisplaySelection.canEnumerateDevices(clientExtensions: nvidia))
        #expect(!EGLDisplaySelection.canEnumerateDevices(clientExtensions: extensions("EGL_EXT_device_base EGL_MESA_platform_surfaceless")))
        #expect(!EGLDisplaySelection.canEnumerateDevices(clientExtensions: extensions("EGL_EXT_platform_device EGL_EXT_device_query")))
    }
}
