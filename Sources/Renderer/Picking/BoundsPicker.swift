package import Foundation
package import SceneLedger

/// A ray from the camera through a pixel.
package struct Ray: Sendable, Equatable {
    package var origin: Vec3
    package var direction: Vec3

    /// The ray through pixel (x, y) of a `width`×`height` view (origin top left), for a
    /// perspective camera with the camera's vertical field of view.
    package init(camera: Camera, x: Double, y: Double, width: Int, height: Int) {
        let basis = camera.controlBasis
        let aspect = Double(width) / Double(height)
        let tanHalf = tan(camera.fov * .pi / 360)
        let ndcX = 2 * x / Double(width) - 1
        let ndcY = 1 - 2 * y / Double(height)
        origin = basis.eye
        direction = (basis.forward + basis.right * (ndcX * tanHalf * aspect) + basis.up * (ndcY * tanHalf)).normalized
    }

    package init(origin: Vec3, direction: Vec3) {
        self.origin = origin
        self.direction = direction.normalized
    }
}

/// Finds the nearest device under a screen point by casting a ray against each device's
/// oriented, scaled bounding box. Pure; the command bus uses it for `device:click`.
package struct BoundsPicker: Sendable {
    package init() {}

    package func pick(state: SceneState, camera: Camera, x: Double, y: Double, width: Int, height: Int) -> UUID? {
        guard width > 0, height > 0 else { return nil }
        return nearest(state: state, ray: Ray(camera: camera, x: x, y: y, width: width, height: height))
    }

    /// The device whose box the ray enters first; ties go to the smaller id, so the result
    /// never depends on dictionary order.
    package func nearest(state: SceneState, ray: Ray) -> UUID? {
        var best: (t: Double, id: UUID)?
        for device in state.devices.values {
            guard let t = hit(device, ray) else { continue }
            if let b = best, t > b.t || (t == b.t && b.id.precedes(device.id)) { continue }
            best = (t, device.id)
        }
        return best?.id
    }

    /// Distance along the ray to the device's box, if it is hit in front of the eye.
    package func hit(_ device: Device, _ ray: Ray) -> Double? {
        let half = DeviceBounds.size(of: device.kind)
        let rotation = Rotation3(eulerDegrees: device.rotation)
        // Into the box's frame: untranslate, unrotate, unscale. The box spans
        // [-w/2, w/2] × [0, h] × [-d/2, d/2].
        let s = device.scale
        let o = rotation.applyInverse(ray.origin - device.position)
        let d = rotation.applyInverse(ray.direction)
        let origin = Vec3(o.x / s.x, o.y / s.y, o.z / s.z)
        let direction = Vec3(d.x / s.x, d.y / s.y, d.z / s.z)
        let low = Vec3(-half.x / 2, 0, -half.z / 2)
        let high = Vec3(half.x / 2, half.y, half.z / 2)
        var tMin = -Double.infinity
        var tMax = Double.infinity
        for (o, d, lo, hi) in [(origin.x, direction.x, low.x, high.x), (origin.y, direction.y, low.y, high.y), (origin.z, direction.z, low.z, high.z)] {
            if abs(d) < 1e-12 {
                if o < lo || o > hi { return nil }
                continue
            }
            var t1 = (lo - o) / d
            var t2 = (hi - o) / d
            if t1 > t2 { swap(&t1, &t2) }
            tMin = max(tMin, t1)
            tMax = min(tMax, t2)
            if tMin > tMax { return nil }
        }
        guard tMax >= 0 else { return nil }
        // The scaled frame keeps t comparable across devices: the point is origin + t·direction in both.
        return max(tMin, 0)
    }
}
