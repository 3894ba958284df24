package import Foundation
package import SceneLedger

/// Finds the nearest device under a screen point by casting a ray against each device's
/// full-resolution triangles, through its model's `TriangleBVH`.
///
/// A device's model-space point `p` sits in the world at `position + R · (scale ⊙ p)`, with
/// `R` its Euler rotation (X, then Y, then Z). Rather than moving triangles, the ray moves
/// into model space: `o' = S⁻¹ Rᵀ (o − position)` and `d' = S⁻¹ Rᵀ d`. Since `d'` is not
/// renormalised, `o' + t · d'` is the model-space image of the world point `o + t · d`, so
/// `t` stays in world metres and compares across devices.
///
/// Most devices are skipped before that: a sphere around the device's position that holds
/// its scaled model in any rotation is tested first (no trigonometry), and candidates are
/// searched nearest sphere first, stopping once a sphere starts beyond the best hit.
///
/// Devices whose lookup returns nil (no mesh loaded) fall back to `BoundsPicker.hit`.
/// Ties go to the smaller id, as in `BoundsPicker`.
package struct MeshPicker: Sendable {
    /// The BVH of a device's model, or nil to pick it by its kind's box.
    package typealias Lookup = @Sendable (Device) -> TriangleBVH?

    private let lookup: Lookup

    package init(lookup: @escaping Lookup) {
        self.lookup = lookup
    }

    package func pick(state: SceneState, camera: Camera, x: Double, y: Double, width: Int, height: Int) -> UUID? {
        guard width > 0, height > 0 else { return nil }
        return nearest(state: state, ray: Ray(camera: camera, x: x, y: y, width: width, height: height))
    }

    /// The device the ray meets first.
    package func nearest(state: SceneState, ray: Ray) -> UUID? {
        var candidates: [(entry: Double, device: Device, bvh: TriangleBVH?)] = []
        for device in state.devices.values {
            let bvh = lookup(device)
            if let bvh {
                guard let box = bvh.bounds, let entry = Self.sphereEntry(device, box, ray) else { continue }
                candidates.append((entry, device, bvh))
            } else {
                candidates.append((0, device, nil))
            }
        }
        candidates.sort { a, b in
            a.entry != b.entry ? a.entry < b.entry : a.device.id.precedes(b.device.id)
        }
        var best: (t: Double, id: UUID)?
        let boxes = BoundsPicker()
        for candidate in candidates {
            if let b = best, candidate.entry > b.t { break }
            let t: Double?
            if let bvh = candidate.bvh {
                t = Self.hit(candidate.device, bvh, ray, limit: best?.t)
            } else {
                t = boxes.hit(candidate.device, ray)
            }
            guard let t else { continue }
            let id = candidate.device.id
            if let b = best, t > b.t || (t == b.t && b.id.precedes(id)) { continue }
            best = (t, id)
        }
        return best?.id
    }

    /// Distance in world metres along `ray` to the device's nearest triangle, if any is hit
    /// in front of the eye (within `limit` when given).
    package static func hit(_ device: Device, _ bvh: TriangleBVH, _ ray: Ray, limit: Double? = nil) -> Double? {
        let s = device.scale
        guard s.x != 0, s.y != 0, s.z != 0, s.isFinite else { return nil }
        let rotation = Rotation3(eulerDegrees: device.rotation)
        let o = rotation.applyInverse(ray.origin - device.position)
        let d = rotation.applyInverse(ray.direction)
        let origin = SIMD3<Float>(Float(o.x / s.x), Float(o.y / s.y), Float(o.z / s.z))
        let direction = SIMD3<Float>(Float(d.x / s.x), Float(d.y / s.y), Float(d.z / s.z))
        // A little slack on the limit: the float result must not lose a tie it should win.
        let maxDistance = limit.map { Float($0 * (1 + 1e-6)) } ?? .infinity
        guard let hit = bvh.intersect(origin: origin, direction: direction, maxDistance: maxDistance) else {
            return nil
        }
        return Double(hit.t)
    }

    /// Where the ray enters a sphere around the device's position holding its scaled model
    /// whatever the rotation; 0 when the eye is inside, nil when the sphere is missed or
    /// behind.
    static func sphereEntry(_ device: Device, _ box: Mesh.Bounds, _ ray: Ray) -> Double? {
        let s = device.scale
        let reach = SIMD3<Double>(
            Double(max(abs(box.min.x), abs(box.max.x))) * abs(s.x),
            Double(max(abs(box.min.y), abs(box.max.y))) * abs(s.y),
            Double(max(abs(box.min.z), abs(box.max.z))) * abs(s.z))
        // Slightly larger, so float rounding in the mesh cannot poke outside.
        let radius = (reach * reach).sum().squareRoot() * (1 + 1e-5) + 1e-6
        let toCenter = device.position - ray.origin
        let along = toCenter.dot(ray.direction)
        let distanceSquared = toCenter.dot(toCenter) - along * along
        let radiusSquared = radius * radius
        guard distanceSquared <= radiusSquared else { return nil }
        let half = (radiusSquared - distanceSquared).squareRoot()
        guard along + half >= 0 else { return nil }
        return max(along - half, 0)
    }
}
