import Foundation
package import SceneLedger

/// Orbit, pan and zoom with three.js OrbitControls semantics, Y up, over the view basis
/// that `Camera+Basis.swift` (SceneLedger) defines for every module.
extension Camera {
    /// Rotated around the target: azimuth normalized to `[0, 360)`, elevation clamped to
    /// `elevationRange`.
    package func orbited(dAzimuth: Double, dElevation: Double) -> Camera {
        var camera = self
        camera.azimuth = Camera.normalizedAzimuth(azimuth + dAzimuth)
        camera.elevation = (elevation + dElevation).clamped(to: Camera.elevationRange)
        return camera
    }

    /// The target moved by `dx` view heights along the right vector and `dy` along the up
    /// vector; each coordinate stays within ±`CommandLimits.maxCoordinate`.
    package func panned(dx: Double, dy: Double) -> Camera {
        let basis = controlBasis
        let h = visibleHeight
        let moved = target + basis.right * (dx * h) + basis.up * (dy * h)
        let limit = -CommandLimits.maxCoordinate...CommandLimits.maxCoordinate
        var camera = self
        camera.target = Vec3(moved.x.clamped(to: limit), moved.y.clamped(to: limit), moved.z.clamped(to: limit))
        return camera
    }

    /// Distance multiplied by `factor`, clamped to `distanceRange`.
    package func zoomed(factor: Double) -> Camera {
        var camera = self
        camera.distance = (distance * factor).clamped(to: Camera.distanceRange)
        return camera
    }

    /// `degrees` in `[0, 360)`.
    package static func normalizedAzimuth(_ degrees: Double) -> Double {
        let r = degrees.truncatingRemainder(dividingBy: 360)
        let n = r < 0 ? r + 360 : r
        // -1e-17 + 360 rounds to 360.
        return n >= 360 ? 0 : n
    }
}

extension Double {
    func clamped(to range: ClosedRange<Double>) -> Double {
        Swift.min(Swift.max(self, range.lowerBound), range.upperBound)
    }
}
