import Foundation

/// Boxes (sharp, bevelled, rounded), extruded profiles and tubes swept along paths.
extension MeshBuilder {
    /// The six faces of a box: the axis a face looks along, its sign, and two in-face axes
    /// `a`, `b` with `a × b` pointing out of the face.
    private static let faces: [(k: Int, s: Float, a: Int, b: Int)] = [
        (0, 1, 1, 2), (0, -1, 2, 1), (1, 1, 2, 0), (1, -1, 0, 2), (2, 1, 0, 1), (2, -1, 1, 0),
    ]

    private static func unitAxis(_ i: Int) -> SIMD3<Float> {
        var e = SIMD3<Float>.zero
        e[i] = 1
        return e
    }

    /// An axis-aligned box with sharp edges and flat faces.
    package mutating func box(center c: SIMD3<Float>, size: SIMD3<Float>) {
        let h = size / 2
        for f in Self.faces {
            let n = Self.unitAxis(f.k) * f.s
            let ea = Self.unitAxis(f.a) * h[f.a]
            let eb = Self.unitAxis(f.b) * h[f.b]
            let o = c + n * h[f.k]
            flatQuad(o - ea - eb, o + ea - eb, o + ea + eb, o - ea + eb)
        }
    }

    /// A box from `a` to `b` (its length axis) with the given cross-section; `up` picks
    /// which way its `height` side faces.
    package mutating func bar(
        from a: SIMD3<Float>, to b: SIMD3<Float>, width: Float, height: Float, up: SIMD3<Float> = [0, 1, 0]
    ) {
        let d = b - a
        let len = V3.length(d)
        let z = d / len
        var y = V3.unit(up - z * V3.dot(up, z))
        if V3.length(y) < 0.5 { y = V3.basis(around: z).u }
        let x = V3.cross(y, z)
        with(Transform(x: x, y: y, z: z, t: (a + b) / 2)) { m in
            m.box(center: .zero, size: [width, height, len])
        }
    }

    /// A box whose edges and corners are rounded with `radius` (smooth normals), or
    /// chamfered when `flat` (one 45° facet per edge with `segments == 1`).
    package mutating func roundedBox(
        center c: SIMD3<Float>, size: SIMD3<Float>, radius: Float, segments: Int = 4, flat: Bool = false
    ) {
        let h = size / 2
        let r = min(radius, h.min() * 0.98)
        let inner = h - SIMD3(repeating: r)
        // Grid coordinates per axis: uniform in angle over the rounded zones.
        func coords(_ axis: Int) -> [Float] {
            var out: [Float] = []
            for k in 0...segments {
                let t = Float(tan(Double.pi / 4 * Double(segments - k) / Double(segments)))
                out.append(-inner[axis] - r * t)
            }
            for k in 0...segments {
                let t = Float(tan(Double.pi / 4 * Double(k) / Double(segments)))
                let x = inner[axis] + r * t
                if k == 0 && x - out[out.count - 1] < 1e-6 { continue }
                out.append(x)
            }
            // The ends lie exactly on the faces, so neighbouring faces share their seams.
            out[0] = -h[axis]
            out[out.count - 1] = h[axis]
            return out
        }
        let grids = (coords(0), coords(1), coords(2))
        func grid(_ i: Int) -> [Float] { i == 0 ? grids.0 : (i == 1 ? grids.1 : grids.2) }
        func map(_ p: SIMD3<Float>) -> (SIMD3<Float>, SIMD3<Float>) {
            let q = SIMD3(
                Swift.min(Swift.max(p.x, -inner.x), inner.x),
                Swift.min(Swift.max(p.y, -inner.y), inner.y),
                Swift.min(Swift.max(p.z, -inner.z), inner.z))
            let n = V3.unit(p - q)
            return (c + q + n * r, n)
        }
        for f in Self.faces {
            let (ga, gb) = (grid(f.a), grid(f.b))
            func point(_ i: Int, _ j: Int) -> SIMD3<Float> {
                var p = SIMD3<Float>.zero
                p[f.k] = f.s * h[f.k]
                p[f.a] = ga[i]
                p[f.b] = gb[j]
                return p
            }
            if flat {
                for i in 0..<(ga.count - 1) {
                    for j in 0..<(gb.count - 1) {
                        let p = [point(i, j), point(i + 1, j), point(i + 1, j + 1), point(i, j + 1)].map { map($0).0 }
                        flatTriangle(p[0], p[1], p[2])
                        flatTriangle(p[0], p[2], p[3])
                    }
                }
                continue
            }
            var ids: [[UInt32]] = []
            for i in 0..<ga.count {
                ids.append((0..<gb.count).map { j in
                    let (pos, n) = map(point(i, j))
                    return vertex(pos, normal: n)
                })
            }
            for i in 0..<(ga.count - 1) {
                for j in 0..<(gb.count - 1) {
                    quad(ids[i][j], ids[i + 1][j], ids[i + 1][j + 1], ids[i][j + 1])
                }
            }
        }
    }

    /// A box with its edges chamfered by `bevel`, flat-shaded.
    package mutating func bevelledBox(center c: SIMD3<Float>, size: SIMD3<Float>, bevel: Float) {
        roundedBox(center: c, size: size, radius: bevel, segments: 1, flat: true)
    }

    /// The normal at each corner of a closed polygon's edges: shared (smooth) where the
    /// turn is gentler than `crease` radians, the edge's own otherwise.
    private static func edgeNormals(_ poly: [SIMD2<Float>], crease: Float) -> [(SIMD3<Float>, SIMD3<Float>)] {
        let n = poly.count
        let own: [SIMD3<Float>] = (0..<n).map { i in
            let d = poly[(i + 1) % n] - poly[i]
            return V3.unit(SIMD3(d.y, -d.x, 0))
        }
        let cosCrease = Float(cos(Double(crease)))
        return (0..<n).map { i in
            let prev = own[(i + n - 1) % n], next = own[(i + 1) % n]
            let start = V3.dot(prev, own[i]) > cosCrease ? V3.unit(prev + own[i]) : own[i]
            let end = V3.dot(next, own[i]) > cosCrease ? V3.unit(next + own[i]) : own[i]
            return (start, end)
        }
    }

    /// The walls of a closed polygon from `z0` to `z1`; `outward` false faces them inward.
    private mutating func walls(_ poly: [SIMD2<Float>], z0: Float, z1: Float, crease: Float, outward: Bool) {
        let normals = Self.edgeNormals(poly, crease: crease)
        for i in 0..<poly.count {
            let (p, q) = (poly[i], poly[(i + 1) % poly.count])
            let s: Float = outward ? 1 : -1
            let a = vertex([p.x, p.y, z0], normal: normals[i].0 * s)
            let b = vertex([q.x, q.y, z0], normal: normals[i].1 * s)
            let c = vertex([q.x, q.y, z1], normal: normals[i].1 * s)
            let d = vertex([p.x, p.y, z1], normal: normals[i].0 * s)
            if outward { quad(a, b, c, d) } else { quad(b, a, d, c) }
        }
    }

    /// A prism: the polygon `profile` (counter-clockwise seen from +z, star-shaped about
    /// its centroid) in the local XY plane, extruded along +z from `z0` to `z1`. Walls are
    /// smooth across turns gentler than `creaseDegrees`.
    package mutating func prism(profile: [SIMD2<Float>], z0: Float, z1: Float, creaseDegrees: Float = 30) {
        walls(profile, z0: z0, z1: z1, crease: creaseDegrees * .pi / 180, outward: true)
        let centroid = profile.reduce(SIMD2<Float>.zero, +) / Float(profile.count)
        for (z, up) in [(z1, true), (z0, false)] {
            let n: SIMD3<Float> = [0, 0, up ? 1 : -1]
            let c = vertex([centroid.x, centroid.y, z], normal: n)
            let ring = profile.map { vertex([$0.x, $0.y, z], normal: n) }
            for i in 0..<ring.count {
                let j = (i + 1) % ring.count
                if up { triangle(c, ring[i], ring[j]) } else { triangle(c, ring[j], ring[i]) }
            }
        }
    }

    /// A band between two polygons with the same number of points (both counter-clockwise
    /// seen from +z, `inner` inside `outer`), extruded along +z from `z0` to `z1`.
    package mutating func ringPrism(
        outer: [SIMD2<Float>], inner: [SIMD2<Float>], z0: Float, z1: Float, creaseDegrees: Float = 30
    ) {
        precondition(outer.count == inner.count)
        let crease = creaseDegrees * .pi / 180
        walls(outer, z0: z0, z1: z1, crease: crease, outward: true)
        walls(inner, z0: z0, z1: z1, crease: crease, outward: false)
        for (z, up) in [(z1, true), (z0, false)] {
            let n: SIMD3<Float> = [0, 0, up ? 1 : -1]
            let o = outer.map { vertex([$0.x, $0.y, z], normal: n) }
            let i = inner.map { vertex([$0.x, $0.y, z], normal: n) }
            for k in 0..<o.count {
                let l = (k + 1) % o.count
                if up { quad(o[k], o[l], i[l], i[k]) } else { quad(o[l], o[k], i[k], i[l]) }
            }
        }
    }

    /// A rounded rectangle centred on the origin, counter-clockwise, `cornerSegments`
    /// facets per corner.
    package static func roundedRect(width: Float, height: Float, radius: Float, cornerSegments: Int) -> [SIMD2<Float>] {
        let r = min(radius, min(width, height) / 2 * 0.999)
        let (hx, hy) = (width / 2 - r, height / 2 - r)
        let centres: [SIMD2<Float>] = [[hx, -hy], [hx, hy], [-hx, hy], [-hx, -hy]]
        var out: [SIMD2<Float>] = []
        for (q, c) in centres.enumerated() {
            for k in 0...cornerSegments {
                let t = Double.pi / 2 * (Double(q) - 1 + Double(k) / Double(cornerSegments))
                out.append(c + SIMD2(Float(cos(t)), Float(sin(t))) * r)
            }
        }
        return out
    }

    /// A tube of `radius` swept along `path` (rotation-minimising frames), with flat ends.
    package mutating func sweep(path: [SIMD3<Float>], radius: Float, segments: Int, caps: Bool = true) {
        precondition(path.count >= 2)
        let n = path.count
        var tangents: [SIMD3<Float>] = []
        for j in 0..<n {
            tangents.append(V3.unit(path[min(j + 1, n - 1)] - path[max(j - 1, 0)]))
        }
        var u = V3.basis(around: tangents[0]).u
        var rings: [[UInt32]] = []
        for j in 0..<n {
            let t = tangents[j]
            u = V3.unit(u - t * V3.dot(u, t))
            let v = V3.cross(t, u)
            rings.append((0..<segments).map { i in
                let a = 2 * Double.pi * Double(i) / Double(segments)
                let dir = u * Float(cos(a)) + v * Float(sin(a))
                return vertex(path[j] + dir * radius, normal: dir)
            })
            if caps && (j == 0 || j == n - 1) {
                let nrm = j == 0 ? -t : t
                let c = vertex(path[j], normal: nrm)
                let cap = (0..<segments).map { i in
                    let a = 2 * Double.pi * Double(i) / Double(segments)
                    return vertex(path[j] + (u * Float(cos(a)) + v * Float(sin(a))) * radius, normal: nrm)
                }
                for i in 0..<segments {
                    let k = (i + 1) % segments
                    if j == 0 { triangle(c, cap[k], cap[i]) } else { triangle(c, cap[i], cap[k]) }
                }
            }
        }
        for j in 0..<(n - 1) {
            for i in 0..<segments {
                let k = (i + 1) % segments
                quad(rings[j][i], rings[j][k], rings[j + 1][k], rings[j + 1][i])
            }
        }
    }

    /// Points on a circular arc about `center` in the plane of unit vectors `e1`, `e2`,
    /// from angle `a0` to `a1` (radians), `count + 1` points.
    package static func arc(
        center: SIMD3<Float>, e1: SIMD3<Float>, e2: SIMD3<Float>, radius: Float, from a0: Double, to a1: Double, count: Int
    ) -> [SIMD3<Float>] {
        (0...count).map { k in
            let a = a0 + (a1 - a0) * Double(k) / Double(count)
            return center + (e1 * Float(cos(a)) + e2 * Float(sin(a))) * radius
        }
    }

    /// Points on the cubic Bézier curve with control points `p0`…`p3`, `count + 1` points.
    package static func bezier(
        _ p0: SIMD3<Float>, _ p1: SIMD3<Float>, _ p2: SIMD3<Float>, _ p3: SIMD3<Float>, count: Int
    ) -> [SIMD3<Float>] {
        (0...count).map { k in
            let t = Float(k) / Float(count)
            let u = 1 - t
            return p0 * (u * u * u) + p1 * (3 * u * u * t) + p2 * (3 * u * t * t) + p3 * (t * t * t)
        }
    }
}
