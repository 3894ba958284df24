import Foundation

/// Surfaces of revolution: cylinders, cones, tubes, spheres, capsules, tori and discs
/// with rounded rims, all built by turning a profile about an axis.
extension MeshBuilder {
    /// One point of a lathe profile: distance `r` from the axis, height `h` along it, and
    /// the outward normal in the (radial, axial) plane. A point with `r == 0` is a pole.
    package struct ProfilePoint: Sendable, Equatable {
        package var r: Float
        package var h: Float
        package var nr: Float
        package var nh: Float

        package init(_ r: Float, _ h: Float, normal nr: Float, _ nh: Float) {
            let l = (nr * nr + nh * nh).squareRoot()
            self.r = r
            self.h = h
            self.nr = l > 0 ? nr / l : nr
            self.nh = l > 0 ? nh / l : nh
        }
    }

    /// Turns `profile` about the axis through `base` along the unit `axis` with `segments`
    /// facets. The profile runs along the surface with the outside on its right (bottom
    /// pole, up the side, top pole); repeating a point with a new normal makes a crease.
    package mutating func lathe(base: SIMD3<Float>, axis: SIMD3<Float>, profile: [ProfilePoint], segments: Int) {
        precondition(segments >= 3 && profile.count >= 2)
        let d = V3.unit(axis)
        let (u, v) = V3.basis(around: d)
        let radial: [SIMD3<Float>] = (0..<segments).map { i in
            let a = 2 * Double.pi * Double(i) / Double(segments)
            return u * Float(cos(a)) + v * Float(sin(a))
        }
        let midRadial: [SIMD3<Float>] = (0..<segments).map { i in
            let a = 2 * Double.pi * (Double(i) + 0.5) / Double(segments)
            return u * Float(cos(a)) + v * Float(sin(a))
        }
        var rings: [[UInt32]] = []
        for p in profile {
            let dirs = p.r == 0 ? midRadial : radial
            rings.append(dirs.map { dir in
                vertex(base + dir * p.r + d * p.h, normal: dir * p.nr + d * p.nh)
            })
        }
        for j in 0..<(profile.count - 1) {
            let (p, q) = (profile[j], profile[j + 1])
            if abs(p.r - q.r) < 1e-7 && abs(p.h - q.h) < 1e-7 { continue }
            if p.r == 0 && q.r == 0 { continue }
            let (a, b) = (rings[j], rings[j + 1])
            for i in 0..<segments {
                let n = (i + 1) % segments
                if p.r == 0 {
                    triangle(a[i], b[n], b[i])
                } else if q.r == 0 {
                    triangle(a[i], a[n], b[i])
                } else {
                    quad(a[i], a[n], b[n], b[i])
                }
            }
        }
    }

    /// A frustum from `a` (radius `r0`) to `b` (radius `r1`); either radius may be zero
    /// for a cone. Smooth side, flat caps where the radius is not zero.
    package mutating func frustum(
        from a: SIMD3<Float>, to b: SIMD3<Float>, r0: Float, r1: Float, segments: Int, caps: Bool = true
    ) {
        let h = V3.length(b - a)
        let side = (nr: h, nh: r0 - r1)
        var profile: [ProfilePoint] = []
        if caps && r0 > 0 {
            profile.append(ProfilePoint(0, 0, normal: 0, -1))
            profile.append(ProfilePoint(r0, 0, normal: 0, -1))
        }
        profile.append(ProfilePoint(r0, 0, normal: side.nr, side.nh))
        profile.append(ProfilePoint(r1, h, normal: side.nr, side.nh))
        if caps && r1 > 0 {
            profile.append(ProfilePoint(r1, h, normal: 0, 1))
            profile.append(ProfilePoint(0, h, normal: 0, 1))
        }
        lathe(base: a, axis: b - a, profile: profile, segments: segments)
    }

    /// A solid cylinder from `a` to `b`.
    package mutating func cylinder(
        from a: SIMD3<Float>, to b: SIMD3<Float>, radius: Float, segments: Int, caps: Bool = true
    ) {
        frustum(from: a, to: b, r0: radius, r1: radius, segments: segments, caps: caps)
    }

    /// A hollow tube from `a` to `b`, with annular ends.
    package mutating func tube(
        from a: SIMD3<Float>, to b: SIMD3<Float>, outer: Float, inner: Float, segments: Int
    ) {
        let h = V3.length(b - a)
        lathe(base: a, axis: b - a, profile: [
            ProfilePoint(outer, 0, normal: 1, 0), ProfilePoint(outer, h, normal: 1, 0),
            ProfilePoint(outer, h, normal: 0, 1), ProfilePoint(inner, h, normal: 0, 1),
            ProfilePoint(inner, h, normal: -1, 0), ProfilePoint(inner, 0, normal: -1, 0),
            ProfilePoint(inner, 0, normal: 0, -1), ProfilePoint(outer, 0, normal: 0, -1),
        ], segments: segments)
    }

    /// A disc from `a` to `b` whose rims are rounded with radius `fillet` (a tyre, a
    /// button, a puck), smooth all over except the flat faces.
    package mutating func roundedCylinder(
        from a: SIMD3<Float>, to b: SIMD3<Float>, radius: Float, fillet: Float, segments: Int, filletSegments: Int
    ) {
        let h = V3.length(b - a)
        let f = min(fillet, radius * 0.999, h * 0.4999)
        var profile = [ProfilePoint(0, 0, normal: 0, -1), ProfilePoint(radius - f, 0, normal: 0, -1)]
        for k in 0...filletSegments {
            let t = -Double.pi / 2 + Double.pi / 2 * Double(k) / Double(filletSegments)
            profile.append(ProfilePoint(radius - f + f * Float(cos(t)), f + f * Float(sin(t)), normal: Float(cos(t)), Float(sin(t))))
        }
        for k in 0...filletSegments {
            let t = Double.pi / 2 * Double(k) / Double(filletSegments)
            profile.append(ProfilePoint(radius - f + f * Float(cos(t)), h - f + f * Float(sin(t)), normal: Float(cos(t)), Float(sin(t))))
        }
        profile.append(ProfilePoint(radius - f, h, normal: 0, 1))
        profile.append(ProfilePoint(0, h, normal: 0, 1))
        lathe(base: a, axis: b - a, profile: profile, segments: segments)
    }

    /// A capsule: a cylinder from `a` to `b` with hemispherical ends, smooth all over.
    package mutating func capsule(from a: SIMD3<Float>, to b: SIMD3<Float>, radius: Float, segments: Int, rings: Int) {
        let h = V3.length(b - a)
        let half = max(rings / 2, 1)
        var profile: [ProfilePoint] = []
        for k in 0...half {
            let t = -Double.pi / 2 + Double.pi / 2 * Double(k) / Double(half)
            let (c, s) = (Float(cos(t)), Float(sin(t)))
            profile.append(ProfilePoint(k == 0 ? 0 : radius * c, radius * s, normal: c, s))
        }
        for k in 0...half {
            let t = Double.pi / 2 * Double(k) / Double(half)
            let (c, s) = (Float(cos(t)), Float(sin(t)))
            profile.append(ProfilePoint(k == half ? 0 : radius * c, h + radius * s, normal: c, s))
        }
        lathe(base: a, axis: b - a, profile: profile, segments: segments)
    }

    /// A sphere about `center` (poles along `axis`).
    package mutating func sphere(
        center: SIMD3<Float>, radius: Float, segments: Int, rings: Int, axis: SIMD3<Float> = [0, 1, 0]
    ) {
        dome(center: center, radius: radius, from: -Double.pi / 2, segments: segments, rings: rings, axis: axis)
    }

    /// The part of a sphere above latitude `from` (radians; −π/2 is the whole sphere, 0 a
    /// hemisphere), closed by a flat disc at that latitude.
    package mutating func dome(
        center: SIMD3<Float>, radius: Float, from lat0: Double, segments: Int, rings: Int, axis: SIMD3<Float> = [0, 1, 0]
    ) {
        var profile: [ProfilePoint] = []
        let bottom = Float(sin(lat0)) * radius
        if lat0 > -Double.pi / 2 + 1e-6 {
            profile.append(ProfilePoint(0, bottom, normal: 0, -1))
            profile.append(ProfilePoint(Float(cos(lat0)) * radius, bottom, normal: 0, -1))
        }
        for k in 0...rings {
            let t = lat0 + (Double.pi / 2 - lat0) * Double(k) / Double(rings)
            let (c, s) = (Float(cos(t)), Float(sin(t)))
            let r: Float = (k == rings || (k == 0 && lat0 <= -Double.pi / 2 + 1e-6)) ? 0 : radius * c
            profile.append(ProfilePoint(r, radius * s, normal: c, s))
        }
        lathe(base: center, axis: axis, profile: profile, segments: segments)
    }

    /// A torus about `center`, its hole along `axis`.
    package mutating func torus(
        center: SIMD3<Float>, axis: SIMD3<Float>, major: Float, minor: Float, majorSegments: Int, minorSegments: Int
    ) {
        let profile: [ProfilePoint] = (0...minorSegments).map { k in
            let t = 2 * Double.pi * Double(k % minorSegments) / Double(minorSegments)
            let (c, s) = (Float(cos(t)), Float(sin(t)))
            return ProfilePoint(major + minor * c, minor * s, normal: c, s)
        }
        lathe(base: center, axis: axis, profile: profile, segments: majorSegments)
    }
}
