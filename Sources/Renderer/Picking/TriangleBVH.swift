/// A bounding volume hierarchy over a mesh's full-resolution triangles, for ray casts.
///
/// Built top-down with a binned surface-area heuristic (16 bins on the longest axis of the
/// triangle centroids), falling back to a median split below depth 48 and to splitting the
/// list in half when all centroids coincide, so the tree stays shallow on any input. Leaves
/// hold at most four triangles. Nodes live in one flat array, each interior node's two
/// children next to each other; the triangles are copied in leaf order as a corner and two
/// edges, which is what Möller–Trumbore needs. Build and queries are deterministic.
package struct TriangleBVH: Sendable {
    /// One node: its box, and either its children (`count == 0`, children at `offset` and
    /// `offset + 1`) or its triangles (`count` of them from `offset` in leaf order).
    package struct Node: Sendable {
        package var lo: SIMD3<Float>
        package var hi: SIMD3<Float>
        package var offset: Int32
        package var count: Int32
    }

    /// Most triangles in a leaf.
    package static let leafSize = 4
    static let binCount = 16
    static let maxSAHDepth = 48

    package private(set) var nodes: [Node]
    /// Per triangle in leaf order: corner v0, edge v1 − v0, edge v2 − v0.
    private var corners: [SIMD3<Float>]
    /// The mesh's index of each triangle in leaf order.
    private var original: [Int32]

    package var triangleCount: Int { original.count }

    /// The box around all triangles, or nil for an empty mesh.
    package var bounds: Mesh.Bounds? {
        nodes.first.map { Mesh.Bounds(min: $0.lo, max: $0.hi) }
    }

    package init(mesh: Mesh) {
        let n = mesh.triangleCount
        var lows = [SIMD3<Float>](repeating: .zero, count: n)
        var highs = [SIMD3<Float>](repeating: .zero, count: n)
        var centroids = [SIMD3<Float>](repeating: .zero, count: n)
        for t in 0..<n {
            let (i0, i1, i2) = mesh.triangle(t)
            let a = mesh.position(Int(i0))
            let b = mesh.position(Int(i1))
            let c = mesh.position(Int(i2))
            lows[t] = pointwiseMin(pointwiseMin(a, b), c)
            highs[t] = pointwiseMax(pointwiseMax(a, b), c)
            centroids[t] = (a + b + c) / 3
        }
        var ids = (0..<n).map { Int32($0) }
        var nodes: [Node] = []
        if n > 0 {
            nodes.reserveCapacity(2 * (n / Self.leafSize + 1))
            nodes.append(Node(lo: .zero, hi: .zero, offset: 0, count: 0))
            Self.build(into: &nodes, ids: &ids, lows: lows, highs: highs, centroids: centroids)
        }
        var corners: [SIMD3<Float>] = []
        corners.reserveCapacity(3 * n)
        for t in ids {
            let (i0, i1, i2) = mesh.triangle(Int(t))
            let a = mesh.position(Int(i0))
            corners.append(a)
            corners.append(mesh.position(Int(i1)) - a)
            corners.append(mesh.position(Int(i2)) - a)
        }
        self.nodes = nodes
        self.corners = corners
        self.original = ids
    }

    /// The nearest triangle the ray `origin + t · direction` crosses with `0 < t ≤
    /// maxDistance`, from either side. `t` is in units of `direction`'s length, which need
    /// not be one. Equal distances go to the smaller triangle index.
    package func intersect(
        origin: SIMD3<Float>, direction: SIMD3<Float>, maxDistance: Float = .infinity
    ) -> (t: Float, triangle: Int)? {
        guard !nodes.isEmpty else { return nil }
        // A zero component would turn 0 · ∞ into NaN in the slab test; a tiny one cannot.
        let safe = SIMD3<Float>(
            direction.x == 0 ? .leastNormalMagnitude : direction.x,
            direction.y == 0 ? .leastNormalMagnitude : direction.y,
            direction.z == 0 ? .leastNormalMagnitude : direction.z)
        let inverse = 1 / safe
        var bestT = maxDistance
        var bestTriangle: Int32 = -1

        nodes.withUnsafeBufferPointer { nodes in
            corners.withUnsafeBufferPointer { corners in
                original.withUnsafeBufferPointer { original in
                    withUnsafeTemporaryAllocation(of: (Int32, Float).self, capacity: 128) { stack in
                        guard let rootEntry = Self.enter(nodes[0], origin, inverse, bestT) else { return }
                        stack[0] = (0, rootEntry)
                        var depth = 1
                        while depth > 0 {
                            depth -= 1
                            let (index, entry) = stack[depth]
                            if entry > bestT { continue }
                            let node = nodes[Int(index)]
                            if node.count > 0 {
                                let first = Int(node.offset)
                                for k in first..<(first + Int(node.count)) {
                                    guard
                                        let t = Self.triangleHit(
                                            origin, direction, corners[3 * k], corners[3 * k + 1], corners[3 * k + 2])
                                    else { continue }
                                    if t < bestT || (t == bestT && (bestTriangle < 0 || original[k] < bestTriangle)) {
                                        bestT = t
                                        bestTriangle = original[k]
                                    }
                                }
                                continue
                            }
                            let left = Int(node.offset)
                            let hitLeft = Self.enter(nodes[left], origin, inverse, bestT)
                            let hitRight = Self.enter(nodes[left + 1], origin, inverse, bestT)
                            // Push the farther child first so the nearer is searched first.
                            switch (hitLeft, hitRight) {
                            case let (l?, r?):
                                if l <= r {
                                    stack[depth] = (Int32(left + 1), r)
                                    stack[depth + 1] = (Int32(left), l)
                                } else {
                                    stack[depth] = (Int32(left), l)
                                    stack[depth + 1] = (Int32(left + 1), r)
                                }
                                depth += 2
                            case let (l?, nil):
                                stack[depth] = (Int32(left), l)
                                depth += 1
                            case let (nil, r?):
                                stack[depth] = (Int32(left + 1), r)
                                depth += 1
                            case (nil, nil):
                                break
                            }
                        }
                    }
                }
            }
        }
        return bestTriangle >= 0 ? (bestT, Int(bestTriangle)) : nil
    }

    /// Where the ray enters the node's box, if it does before `limit` (and not wholly behind).
    @inline(__always)
    static func enter(_ node: Node, _ origin: SIMD3<Float>, _ inverse: SIMD3<Float>, _ limit: Float) -> Float? {
        let t1 = (node.lo - origin) * inverse
        let t2 = (node.hi - origin) * inverse
        let near = pointwiseMin(t1, t2).max()
        let far = pointwiseMax(t1, t2).min()
        guard near <= far, far >= 0, near <= limit else { return nil }
        return max(near, 0)
    }

    /// Möller–Trumbore against the triangle `v0, v0 + e1, v0 + e2`, from either side;
    /// edges count as inside, so neighbouring triangles leave no cracks.
    @inline(__always)
    static func triangleHit(
        _ origin: SIMD3<Float>, _ direction: SIMD3<Float>, _ v0: SIMD3<Float>, _ e1: SIMD3<Float>, _ e2: SIMD3<Float>
    ) -> Float? {
        let p = cross(direction, e2)
        let det = (e1 * p).sum()
        guard abs(det) > 1e-30 else { return nil }
        let inv = 1 / det
        let s = origin - v0
        let u = (s * p).sum() * inv
        guard u >= 0, u <= 1 else { return nil }
        let q = cross(s, e1)
        let v = (direction * q).sum() * inv
        guard v >= 0, u + v <= 1 else { return nil }
        let t = (e2 * q).sum() * inv
        return t > 0 ? t : nil
    }

    @inline(__always)
    static func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }
}
