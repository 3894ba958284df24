import SceneLedger

/// The `data` of camera and pointer commands.
extension CommandDecoder {
    /// `{dAzimuth, dElevation}` in degrees, or the plan's `{deltaX, deltaY}` in pixels.
    static func cameraOrbit(_ data: FieldReader) throws(CommandError) -> Command {
        if try usesPlanForm(data, plan: planOrbitFields, typed: ["dAzimuth", "dElevation"]) {
            return try planCameraOrbit(data)
        }
        try data.allowOnly(["dAzimuth", "dElevation"])
        let limit = CommandLimits.maxOrbitDelta
        return .cameraOrbit(
            dAzimuth: try data.number("dAzimuth", magnitudeAtMost: limit),
            dElevation: try data.number("dElevation", magnitudeAtMost: limit)
        )
    }

    static func cameraPan(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(["dx", "dy"])
        let limit = CommandLimits.maxPanDelta
        return .cameraPan(
            dx: try data.number("dx", magnitudeAtMost: limit),
            dy: try data.number("dy", magnitudeAtMost: limit)
        )
    }

    static func cameraZoom(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(["factor"])
        let factor = try data.number("factor")
        guard factor > 0, factor <= CommandLimits.maxZoomFactor else {
            throw .outOfRange(data.path(of: "factor"), "greater than 0 and at most \(Int(CommandLimits.maxZoomFactor))")
        }
        return .cameraZoom(factor: factor)
    }

    /// `camera:set` places the camera exactly, so values outside the camera's ranges are
    /// rejected rather than clamped.
    static func cameraSet(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(["target", "distance", "azimuth", "elevation", "fov"])
        let target = try data.coordinates("target")
        let distance = try data.number("distance", in: Camera.distanceRange)
        let azimuth = try data.number("azimuth")
        guard azimuth >= 0, azimuth < 360 else {
            throw .outOfRange(data.path(of: "azimuth"), "at least 0 and less than 360")
        }
        let elevation = try data.number("elevation", in: Camera.elevationRange)
        let fov = try data.number("fov", in: Camera.fovRange)
        return .cameraSet(Camera(target: target, distance: distance, azimuth: azimuth, elevation: elevation, fov: fov))
    }

    static func pointerMove(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(["x", "y"])
        return .pointerMove(Pointer(x: try data.number("x", in: 0...1), y: try data.number("y", in: 0...1)))
    }
}
