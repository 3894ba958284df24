import CEGL
import Logging

/// An OpenGL ES 3 context, current on the thread that created it.
///
/// Not `Sendable`: `GLContext` creates it on its GL thread and releases it there; `deinit`
/// unbinds and destroys the context (the display stays initialised, see
/// `EGLDisplaySelection`).
final class EGLSession {
    let selection: EGLDisplaySelection
    private let context: EGLContext
    /// A 1×1 pbuffer, only where the driver lacks `EGL_KHR_surfaceless_context`.
    private let surface: EGLSurface?

    init(platform: GLInfo.Platform?, logger: Logger) throws(RendererError) {
        let selection = try EGLDisplaySelection.choose(platform: platform, logger: logger)
        let display = selection.display
        guard eglBindAPI(EGLenum(EGL_OPENGL_ES_API)) == EGLBoolean(EGL_TRUE) else {
            throw RendererError.egl("eglBindAPI(EGL_OPENGL_ES_API) failed", call: "eglBindAPI")
        }
        let config = try Self.chooseConfig(display)
        let contextAttributes: [EGLint] = [EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 0, EGL_NONE]
        guard let context = eglCreateContext(display, config, nil, contextAttributes) else {
            throw RendererError.egl("eglCreateContext could not create an OpenGL ES 3.0 context", call: "eglCreateContext")
        }
        var surface: EGLSurface?
        if EGLDisplaySelection.extensions(of: display).contains("EGL_KHR_surfaceless_context") == false {
            let attributes: [EGLint] = [EGL_WIDTH, 1, EGL_HEIGHT, 1, EGL_NONE]
            surface = eglCreatePbufferSurface(display, config, attributes)
            if surface == nil {
                let error = RendererError.egl("eglCreatePbufferSurface failed", call: "eglCreatePbufferSurface")
                eglDestroyContext(display, context)
                throw error
            }
        }
        guard eglMakeCurrent(display, surface, surface, context) == EGLBoolean(EGL_TRUE) else {
            let error = RendererError.egl("eglMakeCurrent failed", call: "eglMakeCurrent")
            if let surface { eglDestroySurface(display, surface) }
            eglDestroyContext(display, context)
            throw error
        }
        self.selection = selection
        self.context = context
        self.surface = surface
    }

    deinit {
        let display = selection.display
        eglMakeCurrent(display, nil, nil, nil)
        if let surface { eglDestroySurface(display, surface) }
        eglDestroyContext(display, context)
        eglReleaseThread()
    }

    private static func chooseConfig(_ display: EGLDisplay) throws(RendererError) -> EGLConfig? {
        // Pbuffer-capable first (any driver has those); any surface type as a fallback.
        for surfaceType in [EGL_PBUFFER_BIT, -1 /* EGL_DONT_CARE */] {
            let attributes: [EGLint] = [
                EGL_RENDERABLE_TYPE, EGL_OPENGL_ES3_BIT,
                EGL_SURFACE_TYPE, surfaceType,
                EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8,
                EGL_NONE,
            ]
            var config: EGLConfig?
            var count: EGLint = 0
            if eglChooseConfig(display, attributes, &config, 1, &count) == EGLBoolean(EGL_TRUE), count > 0 {
                return config
            }
        }
        throw RendererError.egl("No EGL config supports OpenGL ES 3 with 8-bit RGBA", call: "eglChooseConfig")
    }
}
