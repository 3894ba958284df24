/// Face geometry for building a mesh from a triangle soup: the winding normal, the
/// degeneracy test, and whether a stored STL normal can be trusted.
extension Mesh {
    /// The cross product (b − a) × (c − a) in double precision: along the face normal for a
    /// counter-clockwise winding, with length twice the triangle's area.
    static func faceCross(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>) -> SIMD3<Double> {
        let u = SIMD3<Double>(b) - SIMD3<Double>(a)
        let v = SIMD3<Double>(c) - SIMD3<Double>(a)
        return SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
    }

    /// Whether a triangle has no area to speak of: its height over the longest edge is at
    /// most `tolerance` (so its three corners lie on one line within the tolerance).
    static func isDegenerate(
        _ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>, cross: SIMD3<Double>, tolerance: Double
    ) -> Bool {
        let twiceArea = length(cross)
        guard twiceArea > 0 else { return true }
        let ab = length(SIMD3<Double>(b) - SIMD3<Double>(a))
        let bc = length(SIMD3<Double>(c) - SIMD3<Double>(b))
        let ca = length(SIMD3<Double>(a) - SIMD3<Double>(c))
        let longest = Swift.max(ab, bc, ca)
        guard longest > 0 else { return true }
        return twiceArea / longest <= tolerance
    }

    /// Whether a normal stored in the file agrees with the winding normal `unit`: finite,
    /// not zero, and within 60° of it. Disagreeing normals are ignored and counted.
    static func storedNormalAgrees(_ stored: SIMD3<Float>, with unit: SIMD3<Double>) -> Bool {
        guard stored.x.isFinite, stored.y.isFinite, stored.z.isFinite else { return false }
        let s = SIMD3<Double>(stored)
        let len = length(s)
        guard len > 1e-12 else { return false }
        return (s * unit).sum() / len >= 0.5
    }

    static func length(_ v: SIMD3<Double>) -> Double {
        (v * v).sum().squareRoot()
    }

    /// `v` scaled to unit length, or nil for a zero vector.
    static func normalized(_ v: SIMD3<Double>) -> SIMD3<Double>? {
        let len = length(v)
        guard len > 0, len.isFinite else { return nil }
        return v / len
    }
}
