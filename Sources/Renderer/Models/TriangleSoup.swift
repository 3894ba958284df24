/// The triangles of an STL file as read, before any cleaning: three corners and the
/// stored normal per triangle. The parsers append to it; `Mesh(soup:)` turns it into a mesh.
package struct TriangleSoup: Sendable {
    /// Nine floats per triangle: corner 0, 1, 2 as x y z.
    package private(set) var corners: [Float] = []
    /// Three floats per triangle: the normal stored in the file (possibly zero or NaN).
    package private(set) var storedNormals: [Float] = []

    package init() {}

    package var count: Int { storedNormals.count / 3 }

    /// Reserves room for `triangles` more triangles; callers cap it by the bytes they hold.
    package mutating func reserve(_ triangles: Int) {
        guard triangles > 0, triangles <= Self.maxReserve else { return }
        corners.reserveCapacity(corners.count + 9 * triangles)
        storedNormals.reserveCapacity(storedNormals.count + 3 * triangles)
    }

    /// A bound on up-front reservations (about 5 million triangles, 240 MB), whatever a header claims.
    static let maxReserve = 5_000_000

    /// Appends one triangle: `values` holds the normal then the three corners (12 floats).
    /// Throws `stlNotFinite` naming the triangle's index when a corner is NaN or infinite.
    package mutating func append(_ values: UnsafeBufferPointer<Float>) throws(RendererError) {
        precondition(values.count == 12)
        for i in 3..<12 where !values[i].isFinite {
            throw RendererError(
                .stlNotFinite,
                "triangle \(count) has a vertex coordinate that is \(values[i].isNaN ? "NaN" : "infinite")"
            )
        }
        storedNormals.append(values[0])
        storedNormals.append(values[1])
        storedNormals.append(values[2])
        corners.append(contentsOf: values[3..<12])
    }

    /// Appends one triangle from a normal and three corners.
    package mutating func append(
        normal: SIMD3<Float>, _ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>
    ) throws(RendererError) {
        let values: [Float] = [normal.x, normal.y, normal.z, a.x, a.y, a.z, b.x, b.y, b.z, c.x, c.y, c.z]
        try values.withUnsafeBufferPointer { (buffer) throws(RendererError) in try append(buffer) }
    }

    /// Corner `k` (0, 1 or 2) of triangle `t`.
    package func corner(_ t: Int, _ k: Int) -> SIMD3<Float> {
        let base = 9 * t + 3 * k
        return SIMD3(corners[base], corners[base + 1], corners[base + 2])
    }

    /// The normal stored for triangle `t`.
    package func storedNormal(_ t: Int) -> SIMD3<Float> {
        SIMD3(storedNormals[3 * t], storedNormals[3 * t + 1], storedNormals[3 * t + 2])
    }
}
