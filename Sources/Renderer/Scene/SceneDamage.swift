import CEGL
import Foundation

/// What changed in a scene's still part (devices, tubes, arrows, the ground) since the last
/// frame, as world-space spheres: an edited device's old and new bounds, a rerouted tube's
/// old and new segments. A frame whose still layer (`StaticLayer`) is otherwise valid
/// redraws only the pixels those spheres cover (`rect(in:)`) into the layer, instead of
/// the whole scene.
///
/// A change that cannot be bounded (a fresh scene, another viewer's highlights) damages
/// `everything`, and the frame is drawn whole. The probe marker is no damage: it is drawn
/// over every frame after the still part (`GPUScene.drawProbeMarker`).
struct SceneDamage {
    struct Sphere: Equatable {
        var center: SIMD3<Float>
        var radius: Float
    }

    /// True when the change cannot be bounded: the next frame is drawn whole.
    private(set) var everything = true
    private(set) var spheres: [Sphere] = []
    /// Connection geometry was invalidated: the frame compares the old geometry with the
    /// new one (`GPUScene.linkDamage`) and adds the spheres of what moved.
    var linksChanged = false

    var isEmpty: Bool { !everything && spheres.isEmpty && !linksChanged }

    /// More spheres than this and the union is the whole view anyway.
    static let maxSpheres = 64

    mutating func addEverything() {
        everything = true
        spheres = []
    }

    mutating func add(center: SIMD3<Float>, radius: Float) {
        guard !everything else { return }
        guard spheres.count < Self.maxSpheres else {
            addEverything()
            return
        }
        spheres.append(Sphere(center: center, radius: radius))
    }

    mutating func clear() {
        everything = false
        spheres = []
        linksChanged = false
    }

    /// The pixels the damaged spheres may cover in `vp`'s view, grown by a margin for
    /// rasterization, or nil when they cannot be bounded (everything is damaged, or a
    /// sphere reaches behind the eye). An empty rectangle means no damage in view.
    func rect(in vp: ViewProjection) -> PixelRect? {
        guard !everything else { return nil }
        var union = PixelRect.empty
        for sphere in spheres {
            guard let rect = PixelRect.covering(sphere, in: vp) else { return nil }
            union = union.union(rect)
        }
        return union.clamped(width: vp.viewportWidth, height: vp.viewportHeight)
    }
}

/// A rectangle of pixels in GL's window coordinates (origin bottom left).
struct PixelRect: Equatable {
    var minX: Int
    var minY: Int
    var maxX: Int
    var maxY: Int

    static let empty = PixelRect(minX: 0, minY: 0, maxX: 0, maxY: 0)

    var width: Int { max(0, maxX - minX) }
    var height: Int { max(0, maxY - minY) }
    var area: Int { width * height }
    var isEmpty: Bool { area == 0 }

    /// Pixels added around a projected bound: triangles' edges and lines round outwards.
    static let margin = 2

    func union(_ other: PixelRect) -> PixelRect {
        if isEmpty { return other }
        if other.isEmpty { return self }
        return PixelRect(minX: min(minX, other.minX), minY: min(minY, other.minY), maxX: max(maxX, other.maxX), maxY: max(maxY, other.maxY))
    }

    /// Sets the GL scissor box to this rectangle (the caller enables the test).
    func scissor() {
        glScissor(GLint(minX), GLint(minY), GLsizei(width), GLsizei(height))
    }

    func intersects(_ other: PixelRect) -> Bool {
        !isEmpty && !other.isEmpty && minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    func clamped(width: Int, height: Int) -> PixelRect {
        let r = PixelRect(minX: max(minX, 0), minY: max(minY, 0), maxX: min(maxX, width), maxY: min(maxY, height))
        return r.isEmpty ? .empty : r
    }

    /// The screen bound of `sphere`: the projection of its bounding cube's corners, or nil
    /// when a corner lies behind the eye (the projection is then unbounded).
    static func covering(_ sphere: SceneDamage.Sphere, in vp: ViewProjection) -> PixelRect? {
        guard vp.isVisible(center: sphere.center, radius: sphere.radius) else { return .empty }
        var lo = SIMD2<Float>(.infinity, .infinity)
        var hi = SIMD2<Float>(-.infinity, -.infinity)
        let r = sphere.radius
        for corner in 0..<8 {
            let offset = SIMD3<Float>(corner & 1 == 0 ? -r : r, corner & 2 == 0 ? -r : r, corner & 4 == 0 ? -r : r)
            let p = vp.viewProjection.transform(sphere.center + offset)
            guard p.w > 1e-4 else { return nil }
            let ndc = SIMD2(p.x / p.w, p.y / p.w)
            lo = pointwiseMin(lo, ndc)
            hi = pointwiseMax(hi, ndc)
        }
        // Far outside the view: a bound this loose would overflow, and the frame is drawn whole.
        guard lo.x > -64, lo.y > -64, hi.x < 64, hi.y < 64 else { return nil }
        let w = Float(vp.viewportWidth)
        let h = Float(vp.viewportHeight)
        return PixelRect(
            minX: Int(((lo.x + 1) / 2 * w).rounded(.down)) - margin, minY: Int(((lo.y + 1) / 2 * h).rounded(.down)) - margin,
            maxX: Int(((hi.x + 1) / 2 * w).rounded(.up)) + margin, maxY: Int(((hi.y + 1) / 2 * h).rounded(.up)) + margin
        )
    }
}
