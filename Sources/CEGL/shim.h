#ifndef SCENECAST_CEGL_SHIM_H
#define SCENECAST_CEGL_SHIM_H

/* EGL and OpenGL ES 3.0 for the Renderer module.
 *
 * Swift imports the plain functions and constants from these headers directly. The shims
 * below cover only what it cannot: extension entry points that exist only as function
 * pointers returned by eglGetProcAddress. (The EGL_NO_* macros are null pointers: Swift
 * passes nil for them.) */
#include <stddef.h>
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES3/gl3.h>

/* eglQueryDevicesEXT (EGL_EXT_device_enumeration). Returns EGL_FALSE when the entry
 * point is missing. */
static inline EGLBoolean scenecast_eglQueryDevicesEXT(EGLint max_devices, EGLDeviceEXT *devices,
                                                     EGLint *num_devices) {
    PFNEGLQUERYDEVICESEXTPROC fn = (PFNEGLQUERYDEVICESEXTPROC)eglGetProcAddress("eglQueryDevicesEXT");
    if (fn == NULL) {
        if (num_devices != NULL) *num_devices = 0;
        return EGL_FALSE;
    }
    return fn(max_devices, devices, num_devices);
}

/* eglQueryDeviceStringEXT (EGL_EXT_device_query). Returns NULL when missing. */
static inline const char *scenecast_eglQueryDeviceStringEXT(EGLDeviceEXT device, EGLint name) {
    PFNEGLQUERYDEVICESTRINGEXTPROC fn =
        (PFNEGLQUERYDEVICESTRINGEXTPROC)eglGetProcAddress("eglQueryDeviceStringEXT");
    if (fn == NULL) return NULL;
    return fn(device, name);
}

/* eglGetPlatformDisplayEXT (EGL_EXT_platform_base). Returns EGL_NO_DISPLAY when missing. */
static inline EGLDisplay scenecast_eglGetPlatformDisplayEXT(EGLenum platform, void *native_display,
                                                            const EGLint *attrib_list) {
    PFNEGLGETPLATFORMDISPLAYEXTPROC fn =
        (PFNEGLGETPLATFORMDISPLAYEXTPROC)eglGetProcAddress("eglGetPlatformDisplayEXT");
    if (fn == NULL) return EGL_NO_DISPLAY;
    return fn(platform, native_display, attrib_list);
}

#endif
