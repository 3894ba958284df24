import Foundation

/// Turning a triangle soup into an indexed mesh with smooth normals where the surface is
/// smooth and sharp edges where it creases.
extension Mesh {
    /// The weld grid and degeneracy tolerance, as a fraction of the model's bounding-box diagonal.
    package static let relativeEpsilon = 1e-6

    /// Builds the mesh: face normals from the winding, degenerate triangles dropped, corners
    /// at the same position (quantized to `relativeEpsilon` of the model size) shared when
    /// their faces meet at less than `creaseAngleDegrees`. Vertex normals are the
    /// area-weighted average of the faces in each smoothing group.
    ///
    /// Throws `stlEmpty` when no triangle survives, `stlTooLarge` beyond 32-bit indices.
    package init(soup: TriangleSoup, creaseAngleDegrees: Double = 30) throws(RendererError) {
        let n = soup.count
        guard n > 0 else { throw RendererError(.stlEmpty, "the STL file holds no triangles") }
        guard n <= Int(UInt32.max) / 3 else {
            throw RendererError(.stlTooLarge, "\(n) triangles exceed what 32-bit indices can address")
        }
        let all = Bounds(points: soup.corners)
        let diagonal = all.diagonal
        let quantum = diagonal > 0 && diagonal.isFinite ? diagonal * Self.relativeEpsilon : 1
        let cosCrease = Swift.min(1, Swift.max(-1, cos(creaseAngleDegrees * .pi / 180)))

        // 1. Each corner's welding cell, numbered in order of first appearance.
        var cellOfKey: [UInt64: UInt32] = [:]
        cellOfKey.reserveCapacity(Swift.min(n, TriangleSoup.maxReserve))
        var cornerCell = [UInt32](repeating: 0, count: 3 * n)
        let origin = SIMD3<Double>(all.min)
        for corner in 0..<(3 * n) {
            let p = SIMD3<Double>(
                Double(soup.corners[3 * corner]), Double(soup.corners[3 * corner + 1]),
                Double(soup.corners[3 * corner + 2]))
            let key = Self.cellKey((p - origin) / quantum)
            if let cell = cellOfKey[key] {
                cornerCell[corner] = cell
            } else {
                let cell = UInt32(cellOfKey.count)
                cellOfKey[key] = cell
                cornerCell[corner] = cell
            }
        }
        let cellCount = cellOfKey.count
        cellOfKey = [:]

        // 2. Face normals; degenerate triangles dropped.
        var kept: [Int] = []
        kept.reserveCapacity(n)
        var faceCross: [SIMD3<Double>] = []
        faceCross.reserveCapacity(n)
        var unitNormal: [SIMD3<Double>] = []
        unitNormal.reserveCapacity(n)
        var recomputed = 0
        for t in 0..<n {
            let c0 = cornerCell[3 * t], c1 = cornerCell[3 * t + 1], c2 = cornerCell[3 * t + 2]
            if c0 == c1 || c1 == c2 || c0 == c2 { continue }
            let a = soup.corner(t, 0), b = soup.corner(t, 1), c = soup.corner(t, 2)
            let cross = Self.faceCross(a, b, c)
            guard !Self.isDegenerate(a, b, c, cross: cross, tolerance: quantum),
                let unit = Self.normalized(cross)
            else { continue }
            if !Self.storedNormalAgrees(soup.storedNormal(t), with: unit) { recomputed += 1 }
            kept.append(t)
            faceCross.append(cross)
            unitNormal.append(unit)
        }
        guard !kept.isEmpty else {
            throw RendererError(.stlEmpty, "all \(n) triangles of the STL file are degenerate")
        }

        // 3. The kept corners in each cell (compressed rows: cellStart[cell]..<cellStart[cell + 1]).
        var cellStart = [Int](repeating: 0, count: cellCount + 1)
        for t in kept {
            for j in 0..<3 { cellStart[Int(cornerCell[3 * t + j]) + 1] += 1 }
        }
        for cell in 0..<cellCount { cellStart[cell + 1] += cellStart[cell] }
        var fill = cellStart
        var cellCorners = [Int](repeating: 0, count: 3 * kept.count)
        for (k, t) in kept.enumerated() {
            for j in 0..<3 {
                let cell = Int(cornerCell[3 * t + j])
                cellCorners[fill[cell]] = 3 * k + j
                fill[cell] += 1
            }
        }
        fill = []
        cornerCell = []

        // 4. Smoothing groups per cell; one vertex per group.
        var positions: [Float] = []
        var normals: [Float] = []
        positions.reserveCapacity(3 * cellCount)
        normals.reserveCapacity(3 * cellCount)
        var indices = [UInt32](repeating: 0, count: 3 * kept.count)
        var group: [Int] = []
        for cell in 0..<cellCount {
            let members = cellCorners[cellStart[cell]..<cellStart[cell + 1]]
            guard !members.isEmpty else { continue }
            Self.smoothingGroups(
                members.map { unitNormal[$0 / 3] }, cosCrease: cosCrease, into: &group)
            var groupVertex = [UInt32?](repeating: nil, count: members.count)
            for (i, corner) in members.enumerated() {
                let g = group[i]
                if let v = groupVertex[g] {
                    indices[corner] = v
                    continue
                }
                // A new vertex: the first corner's own position, the group's weighted normal.
                var sum = SIMD3<Double>.zero
                for (j, other) in members.enumerated() where group[j] == g { sum += faceCross[other / 3] }
                let normal = Self.normalized(sum) ?? unitNormal[corner / 3]
                let v = UInt32(positions.count / 3)
                let p = soup.corner(kept[corner / 3], corner % 3)
                positions += [p.x, p.y, p.z]
                normals += [Float(normal.x), Float(normal.y), Float(normal.z)]
                groupVertex[g] = v
                indices[corner] = v
            }
        }
        self.init(
            positions: positions, normals: normals, indices: indices, bounds: Bounds(points: positions),
            droppedDegenerate: n - kept.count, recomputedNormals: recomputed)
    }

    /// The weld cell of a point given in quanta from the model's minimum corner: 21 bits
    /// per axis (the model spans at most 10⁶ quanta per axis).
    static func cellKey(_ q: SIMD3<Double>) -> UInt64 {
        func axis(_ x: Double) -> UInt64 {
            let r = (x.isFinite ? x : 0).rounded()
            return UInt64(Swift.min(Swift.max(r, 0), Double((1 << 21) - 1)))
        }
        return axis(q.x) | axis(q.y) << 21 | axis(q.z) << 42
    }

    /// Splits the faces meeting at one position into smoothing groups: faces whose normals
    /// are within the crease angle join (transitively). Writes a group number per face to
    /// `group`, numbered from 0 in order of first appearance.
    ///
    /// Small fans compare every pair; large ones (a fan of thousands of slivers) compare each
    /// face with the first face of every group so far, which stays linear because only a few
    /// dozen directions can be 30° apart.
    static func smoothingGroups(_ normals: [SIMD3<Double>], cosCrease: Double, into group: inout [Int]) {
        let k = normals.count
        group = Array(0..<k)
        if k <= 32 {
            var parent = Array(0..<k)
            func root(_ i: Int) -> Int {
                var i = i
                while parent[i] != i { i = parent[i] }
                return i
            }
            for i in 0..<k {
                for j in (i + 1)..<k where (normals[i] * normals[j]).sum() >= cosCrease {
                    let ri = root(i), rj = root(j)
                    if ri != rj { parent[Swift.max(ri, rj)] = Swift.min(ri, rj) }
                }
            }
            var number = [Int](repeating: -1, count: k)
            var next = 0
            for i in 0..<k {
                let r = root(i)
                if number[r] < 0 {
                    number[r] = next
                    next += 1
                }
                group[i] = number[r]
            }
            return
        }
        var representatives: [SIMD3<Double>] = []
        for i in 0..<k {
            if let g = representatives.firstIndex(where: { ($0 * normals[i]).sum() >= cosCrease }) {
                group[i] = g
            } else {
                group[i] = representatives.count
                representatives.append(normals[i])
            }
        }
    }
}
