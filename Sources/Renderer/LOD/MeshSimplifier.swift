import Foundation

/// Simplifies a mesh by vertex clustering on a uniform grid.
///
/// Every vertex falls into one cubic cell of a grid laid over the mesh's bounds. All
/// vertices of a cell merge into one representative, the average of their positions, so
/// the result never leaves the original bounds. Triangles whose corners land in fewer than
/// three distinct cells collapse and are dropped, as are exact duplicates (same cells, same
/// winding). Normals are re-derived from the new faces, area weighted.
///
/// The cell size is searched for: a first guess from the surface area (a closed surface
/// clustered into `c` cells keeps about `2c` triangles), then a few corrections of the
/// measured count, keeping the result closest to the target. The output is deterministic:
/// clusters are numbered in the order their first vertex appears.
package enum MeshSimplifier {
    /// How many cell sizes are tried at most.
    static let maxAttempts = 10
    /// A result within this ratio of the target ends the search early.
    static let closeEnough = 1.15

    /// A simplified copy of `mesh` with about `targetTriangles` triangles (usually within a
    /// factor of 1.2). A mesh already at or under the target comes back unchanged.
    package static func simplify(_ mesh: Mesh, targetTriangles: Int) -> Mesh {
        let target = max(targetTriangles, 1)
        guard mesh.triangleCount > target, mesh.vertexCount > 0 else { return mesh }
        let extent = mesh.bounds.size
        let longest = max(extent.x, extent.y, extent.z)
        guard longest > 0, longest.isFinite else { return mesh }

        // A closed surface of area A on cells of side h touches about A / h² cells and keeps
        // about twice as many triangles as cells.
        let area = max(surfaceArea(of: mesh), Double(longest * longest) * 1e-6)
        var cell = (2 * area / Double(target)).squareRoot()
        var best: (mesh: Mesh, miss: Double)?
        for _ in 0..<maxAttempts {
            let candidate = cluster(mesh, cellSize: Float(cell))
            let count = max(candidate.triangleCount, 1)
            let ratio = Double(count) / Double(target)
            let miss = abs(log(ratio))
            if candidate.triangleCount > 0, candidate.triangleCount < mesh.triangleCount,
                best.map({ miss < $0.miss }) ?? true
            {
                best = (candidate, miss)
            }
            if ratio <= closeEnough && ratio >= 1 / closeEnough { break }
            // Triangles scale with 1 / h²: correct h by the square root of the ratio, damped
            // so a coarse grid's jumps do not make the search oscillate.
            cell *= min(max(ratio.squareRoot(), 0.5), 2.0)
        }
        return best?.mesh ?? mesh
    }

    /// The mesh clustered on a grid of cubic cells of side `cellSize`, starting at the
    /// minimum corner of its bounds.
    package static func cluster(_ mesh: Mesh, cellSize: Float) -> Mesh {
        let origin = mesh.bounds.min
        let inverse = 1 / cellSize
        let vertexCount = mesh.vertexCount
        // Cell coordinates are packed 21 bits per axis; a grid finer than that is clamped.
        let limit = Float((1 << 21) - 1)

        var clusterOf = [Int32](repeating: 0, count: vertexCount)
        var clusterIndex: [UInt64: Int32] = [:]
        clusterIndex.reserveCapacity(min(vertexCount, 1 << 20))
        var sums: [SIMD3<Double>] = []
        var counts: [Int32] = []
        for v in 0..<vertexCount {
            let p = mesh.position(v)
            let c = ((p - origin) * inverse).rounded(.down)
            let cx = UInt64(min(max(c.x, 0), limit))
            let cy = UInt64(min(max(c.y, 0), limit))
            let cz = UInt64(min(max(c.z, 0), limit))
            let key = cx | (cy << 21) | (cz << 42)
            let id: Int32
            if let found = clusterIndex[key] {
                id = found
            } else {
                id = Int32(sums.count)
                clusterIndex[key] = id
                sums.append(.zero)
                counts.append(0)
            }
            clusterOf[v] = id
            sums[Int(id)] += SIMD3<Double>(Double(p.x), Double(p.y), Double(p.z))
            counts[Int(id)] += 1
        }

        // Keep triangles spanning three clusters, once per (cells, winding).
        var kept: [UInt32] = []
        kept.reserveCapacity(mesh.indices.count / 2)
        var seen = Set<SIMD3<Int32>>()
        for t in 0..<mesh.triangleCount {
            let (i0, i1, i2) = mesh.triangle(t)
            let a = clusterOf[Int(i0)]
            let b = clusterOf[Int(i1)]
            let c = clusterOf[Int(i2)]
            guard a != b, b != c, a != c else { continue }
            // Rotate so the smallest comes first: the same triangle with the same winding
            // then has one spelling.
            let key: SIMD3<Int32> =
                a < b && a < c ? SIMD3(a, b, c) : (b < c ? SIMD3(b, c, a) : SIMD3(c, a, b))
            guard seen.insert(key).inserted else { continue }
            kept.append(UInt32(a))
            kept.append(UInt32(b))
            kept.append(UInt32(c))
        }

        // Number the clusters that survive in order of first use, and average them.
        var remap = [Int32](repeating: -1, count: sums.count)
        var positions: [Float] = []
        positions.reserveCapacity(sums.count * 3)
        var indices: [UInt32] = []
        indices.reserveCapacity(kept.count)
        for old in kept {
            let o = Int(old)
            if remap[o] < 0 {
                remap[o] = Int32(positions.count / 3)
                let mean = sums[o] / Double(counts[o])
                positions.append(Float(mean.x))
                positions.append(Float(mean.y))
                positions.append(Float(mean.z))
            }
            indices.append(UInt32(remap[o]))
        }
        let normals = vertexNormals(positions: positions, indices: indices)
        return Mesh(positions: positions, normals: normals, indices: indices, bounds: Mesh.Bounds(points: positions))
    }

    /// Unit vertex normals: the area-weighted sum of the adjacent faces' normals. A vertex
    /// whose faces cancel out (a thin wall folded onto itself) gets +Y.
    package static func vertexNormals(positions: [Float], indices: [UInt32]) -> [Float] {
        let vertexCount = positions.count / 3
        var sums = [SIMD3<Float>](repeating: .zero, count: vertexCount)
        func point(_ i: UInt32) -> SIMD3<Float> {
            let k = Int(i) * 3
            return SIMD3(positions[k], positions[k + 1], positions[k + 2])
        }
        var t = 0
        while t + 2 < indices.count {
            let (i0, i1, i2) = (indices[t], indices[t + 1], indices[t + 2])
            let p0 = point(i0)
            // The cross product's length is twice the area: that is the weighting.
            let n = cross(point(i1) - p0, point(i2) - p0)
            sums[Int(i0)] += n
            sums[Int(i1)] += n
            sums[Int(i2)] += n
            t += 3
        }
        var normals = [Float]()
        normals.reserveCapacity(vertexCount * 3)
        for n in sums {
            let length = (n * n).sum().squareRoot()
            let unit = length > 0 && length.isFinite ? n / length : SIMD3<Float>(0, 1, 0)
            normals.append(unit.x)
            normals.append(unit.y)
            normals.append(unit.z)
        }
        return normals
    }

    /// The total area of the mesh's triangles.
    static func surfaceArea(of mesh: Mesh) -> Double {
        var area = 0.0
        for t in 0..<mesh.triangleCount {
            let (i0, i1, i2) = mesh.triangle(t)
            let p0 = mesh.position(Int(i0))
            let n = cross(mesh.position(Int(i1)) - p0, mesh.position(Int(i2)) - p0)
            area += Double((n * n).sum().squareRoot()) / 2
        }
        return area
    }

    static func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }
}
