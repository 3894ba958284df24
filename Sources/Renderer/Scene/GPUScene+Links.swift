import Foundation
import SceneLedger

/// Connection instances that survived culling, with their triangles.
struct LinkInstances {
    var tubes: [InstanceData] = []
    var ribbons: [InstanceData] = []
    var arrows: [InstanceData] = []
    var particles: [Particle] = []
    var triangles = 0
}

/// Connections per frame: tubes (or ribbons far away), direction arrows and flow particles
/// inside the view, and what a change to them damaged.
extension GPUScene {
    /// The unit ribbon (x in −1...1, y in 0...1) turned to face `eye` and stretched from a to b.
    static func ribbon(from a: SIMD3<Float>, to b: SIMD3<Float>, radius: Float, eye: SIMD3<Float>) -> Matrix4? {
        let axis = b - a
        let length = dot(axis, axis).squareRoot()
        guard length > 1e-4 else { return nil }
        let y = axis / length
        var x = cross(y, eye - (a + b) / 2)
        if dot(x, x) < 1e-10 { x = cross(y, abs(y.y) < 0.99 ? SIMD3(0, 1, 0) : SIMD3(1, 0, 0)) }
        x = normalize(x)
        return Matrix4.translation(a) * Matrix4.basis(x, y, cross(x, y)) * Matrix4.scale(SIMD3(radius, length, radius))
    }

    /// Tubes, arrows and particles inside the view and big enough to see, with particles
    /// beyond what `budget` leaves after tubes and arrows dropped, farthest first.
    func visibleLinks(_ vp: ViewProjection, sceneTimeMicros: Int64, budget: Int) -> LinkInstances {
        let geometry = linkCache ?? SceneInstances.connectionGeometry(in: state)
        linkCache = geometry
        var links = LinkInstances()
        /// Pixels across a sphere of `radius` at the nearer end of a segment, or nil when out of view.
        func pixels(_ a: SIMD3<Float>, _ b: SIMD3<Float>, radius: Float) -> Double? {
            let bounds = Self.sphere(from: a, to: b, radius: radius)
            guard vp.isVisible(center: bounds.center, radius: bounds.radius) else { return nil }
            let near = dot(a - vp.eye, a - vp.eye).squareRoot() < dot(b - vp.eye, b - vp.eye).squareRoot() ? a : b
            return vp.projectedHeightPixels(center: near, radius: radius)
        }
        for t in geometry.tubes {
            let (a, b) = Self.ends(of: t)
            guard let size = pixels(a, b, radius: SceneStyle.tubeRadius) else { continue }
            guard size < Self.ribbonPixels else {
                // A CPU rasterizer tests every screen tile a triangle's bounding box touches, and
                // a long diagonal tube's boxes cover much of the screen: long tubes are drawn in
                // pieces of about `tubePiecePixels` on screen, whose boxes are small.
                let pieces = min(max(Int(vp.screenLength(a, b) / Self.tubePiecePixels), 1), 32)
                for k in 0..<pieces {
                    let piece = pieces == 1 ? t.model : SceneInstances.tube(
                        from: a + (b - a) * (Float(k) / Float(pieces)), to: a + (b - a) * (Float(k + 1) / Float(pieces)),
                        radius: SceneStyle.tubeRadius)
                    if let piece { links.tubes.append(InstanceData(model: piece, color: t.color, highlight: t.highlight)) }
                }
                continue
            }
            // Thin tubes are ribbons facing the eye: two long triangles instead of twelve.
            if let ribbon = Self.ribbon(from: a, to: b, radius: SceneStyle.tubeRadius, eye: vp.eye) {
                links.ribbons.append(InstanceData(model: ribbon, color: t.color, highlight: t.highlight))
            }
        }
        for arrow in geometry.arrows {
            let (a, b) = Self.ends(of: arrow)
            if let size = pixels(a, b, radius: SceneStyle.arrowRadius), size >= Self.smallPixels { links.arrows.append(arrow) }
        }
        // Particles: whole flows out of view or too far to show them are skipped before any
        // particle is placed.
        var particles: [(SIMD3<Float>, SIMD4<Float>, Float)] = []
        for flow in geometry.flows {
            guard let size = pixels(flow.from, flow.to, radius: SceneStyle.particleRadius), size >= Self.smallPixels else { continue }
            for c in SceneInstances.particles(from: flow.from, to: flow.to, sceneTimeMicros: sceneTimeMicros) {
                guard let size = pixels(c, c, radius: SceneStyle.particleRadius), size >= Self.smallPixels else { continue }
                particles.append((c, flow.color, dot(c - vp.eye, c - vp.eye)))
            }
        }
        let fixed = tube.triangleCount * links.tubes.count + ribbon.triangleCount * links.ribbons.count
            + cone.triangleCount * links.arrows.count
        let room = max(0, budget - fixed) / ParticleBatch.triangleCount
        if particles.count > room {
            particles.sort { $0.2 < $1.2 }
            particles.removeLast(particles.count - room)
        }
        links.particles = particles.map { Particle(center: $0.0, color: $0.1) }
        links.triangles = fixed + ParticleBatch.triangleCount * links.particles.count
        return links
    }

    /// Adds to `damage` the bounds of every tube and arrow that differs between `old` (the
    /// geometry the last frame drew) and `new`: a moved device's connections, one created
    /// or removed.
    static func linkDamage(from old: SceneInstances.ConnectionGeometry, to new: SceneInstances.ConnectionGeometry, into damage: inout SceneDamage) {
        func add(_ instance: InstanceData, _ radius: Float) {
            let sphere = bounds(ofSegment: instance, radius: radius)
            damage.add(center: sphere.center, radius: sphere.radius)
        }
        func diff(_ old: [InstanceData], _ new: [InstanceData], radius: Float) {
            // The geometry keeps the connections' order: with as many pieces as before (a
            // moved device), the pieces that differ are the ones at the same index.
            if old.count == new.count {
                for (o, n) in zip(old, new) where o != n {
                    add(o, radius)
                    add(n, radius)
                }
                return
            }
            for o in old where !new.contains(o) { add(o, radius) }
            for n in new where !old.contains(n) { add(n, radius) }
        }
        diff(old.tubes, new.tubes, radius: SceneStyle.tubeRadius)
        diff(old.arrows, new.arrows, radius: SceneStyle.arrowRadius)
    }

    /// The end points of a unit-cylinder or ribbon instance (along y from 0 to 1).
    static func ends(of instance: InstanceData) -> (SIMD3<Float>, SIMD3<Float>) {
        let a = instance.model.transform(SIMD3(0, 0, 0))
        let b = instance.model.transform(SIMD3(0, 1, 0))
        return (SIMD3(a.x, a.y, a.z), SIMD3(b.x, b.y, b.z))
    }

    /// The bounding sphere of everything within `radius` of the segment a–b.
    static func sphere(from a: SIMD3<Float>, to b: SIMD3<Float>, radius: Float) -> SceneDamage.Sphere {
        SceneDamage.Sphere(center: (a + b) / 2, radius: dot(b - a, b - a).squareRoot() / 2 + radius)
    }

    /// The bounding sphere of a unit-cylinder or ribbon instance that reaches `radius` from its axis.
    static func bounds(ofSegment instance: InstanceData, radius: Float) -> SceneDamage.Sphere {
        let (a, b) = ends(of: instance)
        return sphere(from: a, to: b, radius: radius)
    }
}
