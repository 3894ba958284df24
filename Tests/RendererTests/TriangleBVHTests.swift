import Foundation
import Renderer
import SceneLedger
import Testing

/// Meshes built here for the LOD, BVH and picking tests.
enum TestMeshes {
    /// A mesh from points and triangles, with area-weighted normals.
    static func mesh(_ points: [SIMD3<Float>], _ indices: [UInt32]) -> Mesh {
        let positions = points.flatMap { [$0.x, $0.y, $0.z] }
        return Mesh(
            positions: positions,
            normals: MeshSimplifier.vertexNormals(positions: positions, indices: indices),
            indices: indices, bounds: Mesh.Bounds(points: positions))
    }

    /// A UV sphere of `radius` around `center`: `2 · slices · (stacks − 1)` triangles
    /// (19,800 for the default 100 × 100).
    static func sphere(radius: Float = 1, center: SIMD3<Float> = .zero, slices: Int = 100, stacks: Int = 100) -> Mesh {
        var points: [SIMD3<Float>] = [center + SIMD3(0, radius, 0)]
        for i in 1..<stacks {
            let polar = Float.pi * Float(i) / Float(stacks)
            for j in 0..<slices {
                let azimuth = 2 * Float.pi * Float(j) / Float(slices)
                points.append(
                    center + radius * SIMD3(sin(polar) * cos(azimuth), cos(polar), sin(polar) * sin(azimuth)))
            }
        }
        points.append(center - SIMD3(0, radius, 0))
        let south = UInt32(points.count - 1)
        func ring(_ i: Int, _ j: Int) -> UInt32 { UInt32(1 + (i - 1) * slices + (j % slices)) }
        var indices: [UInt32] = []
        for j in 0..<slices { indices += [0, ring(1, j + 1), ring(1, j)] }
        for i in 1..<(stacks - 1) {
            for j in 0..<slices {
                indices += [ring(i, j), ring(i, j + 1), ring(i + 1, j + 1)]
                indices += [ring(i, j), ring(i + 1, j + 1), ring(i + 1, j)]
            }
        }
        for j in 0..<slices { indices += [south, ring(stacks - 1, j), ring(stacks - 1, j + 1)] }
        return mesh(points, indices)
    }

    /// A torus around the z axis (its hole looks along z), centred on `center`:
    /// `2 · around · tube` triangles (15,360 for the default 160 × 48).
    static func torus(
        major: Float = 0.7, minor: Float = 0.25, center: SIMD3<Float> = .zero, around: Int = 160, tube: Int = 48
    ) -> Mesh {
        var points: [SIMD3<Float>] = []
        for i in 0..<around {
            let u = 2 * Float.pi * Float(i) / Float(around)
            for j in 0..<tube {
                let v = 2 * Float.pi * Float(j) / Float(tube)
                let ring = major + minor * cos(v)
                points.append(center + SIMD3(ring * cos(u), ring * sin(u), minor * sin(v)))
            }
        }
        func at(_ i: Int, _ j: Int) -> UInt32 { UInt32((i % around) * tube + (j % tube)) }
        var indices: [UInt32] = []
        for i in 0..<around {
            for j in 0..<tube {
                indices += [at(i, j), at(i + 1, j), at(i + 1, j + 1)]
                indices += [at(i, j), at(i + 1, j + 1), at(i, j + 1)]
            }
        }
        return mesh(points, indices)
    }

    /// An axis-aligned box from `low` to `high`: 12 triangles.
    static func box(_ low: SIMD3<Float>, _ high: SIMD3<Float>) -> Mesh {
        var points: [SIMD3<Float>] = []
        for k in 0..<8 {
            points.append(SIMD3(k & 1 == 0 ? low.x : high.x, k & 2 == 0 ? low.y : high.y, k & 4 == 0 ? low.z : high.z))
        }
        let faces: [UInt32] = [
            0, 2, 3, 0, 3, 1, 4, 5, 7, 4, 7, 6,  // z low, z high
            0, 1, 5, 0, 5, 4, 2, 6, 7, 2, 7, 3,  // y low, y high
            0, 4, 6, 0, 6, 2, 1, 3, 7, 1, 7, 5,  // x low, x high
        ]
        return mesh(points, faces)
    }
}


@Suite("A BVH over full-resolution triangles")
struct TriangleBVHTests {
    /// The nearest hit over every triangle, in double precision, as an independent check.
    static func bruteForce(_ mesh: Mesh, origin: SIMD3<Float>, direction: SIMD3<Float>) -> (t: Double, triangle: Int)? {
        func d(_ v: SIMD3<Float>) -> SIMD3<Double> { SIMD3(Double(v.x), Double(v.y), Double(v.z)) }
        func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
            SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
        }
        let o = d(origin)
        let dir = d(direction)
        var best: (t: Double, triangle: Int)?
        for t in 0..<mesh.triangleCount {
            let (i0, i1, i2) = mesh.triangle(t)
            let a = d(mesh.position(Int(i0)))
            let e1 = d(mesh.position(Int(i1))) - a
            let e2 = d(mesh.position(Int(i2))) - a
            let p = cross(dir, e2)
            let det = (e1 * p).sum()
            if abs(det) < 1e-300 { continue }
            let s = o - a
            let u = (s * p).sum() / det
            let q = cross(s, e1)
            let v = (dir * q).sum() / det
            let hit = (e2 * q).sum() / det
            guard u >= 0, v >= 0, u + v <= 1, hit > 0 else { continue }
            if best == nil || hit < best!.t { best = (hit, t) }
        }
        return best
    }

    /// Rays from a shell three times the mesh's size towards random points of its box.
    static func randomRays(around mesh: Mesh, count: Int, seed: UInt64) -> [(SIMD3<Float>, SIMD3<Float>)] {
        var rng = SplitMix64(seed: seed)
        let center = mesh.bounds.center
        let reach = Float(mesh.bounds.diagonal) * 1.5
        return (0..<count).map { _ in
            var dir = SIMD3<Float>(
                Float.random(in: -1...1, using: &rng), Float.random(in: -1...1, using: &rng),
                Float.random(in: -1...1, using: &rng))
            dir /= max((dir * dir).sum().squareRoot(), 1e-3)
            let origin = center + dir * reach
            let aim =
                mesh.bounds.min + mesh.bounds.size
                * SIMD3(
                    Float.random(in: 0...1, using: &rng), Float.random(in: 0...1, using: &rng),
                    Float.random(in: 0...1, using: &rng))
            return (origin, aim - origin)
        }
    }

    func agreesWithBruteForce(_ mesh: Mesh, seed: UInt64) -> (hits: Int, disagreements: Int) {
        let bvh = TriangleBVH(mesh: mesh)
        var hits = 0
        var disagreements = 0
        for (origin, direction) in Self.randomRays(around: mesh, count: 1000, seed: seed) {
            let fast = bvh.intersect(origin: origin, direction: direction)
            let slow = Self.bruteForce(mesh, origin: origin, direction: direction)
            switch (fast, slow) {
            case (nil, nil):
                continue
            case let (f?, s?):
                hits += 1
                let sameT = abs(Double(f.t) - s.t) <= 1e-4
                if !sameT { disagreements += 1 }
            default:
                disagreements += 1
            }
        }
        return (hits, disagreements)
    }

    @Test("1,000 random rays on a 19,800-triangle sphere agree with brute force")
    func sphereAgrees() {
        let result = agreesWithBruteForce(TestMeshes.sphere(), seed: 1)
        #expect(result.disagreements == 0)
        #expect(result.hits > 300)  // the rays must actually exercise hits
    }

    @Test("1,000 random rays on a torus agree with brute force")
    func torusAgrees() {
        let result = agreesWithBruteForce(TestMeshes.torus(), seed: 2)
        #expect(result.disagreements == 0)
        #expect(result.hits > 200)
    }

    @Test("the nearest hit is the front face at the expected distance and triangle")
    func exactHit() throws {
        let mesh = TestMeshes.box(SIMD3(-1, -1, -1), SIMD3(1, 1, 1))
        let bvh = TriangleBVH(mesh: mesh)
        let hit = try #require(bvh.intersect(origin: SIMD3(0.2, 0.3, 10), direction: SIMD3(0, 0, -2)))
        // Direction length 2: the face at z = 1 is 9 m away, t = 4.5.
        #expect(abs(hit.t - 4.5) < 1e-6)
        // The z-high face is triangles 2 (4, 5, 7: below its diagonal y = x) and 3 (4, 7, 6:
        // above it); (0.2, 0.3) lies in triangle 3.
        #expect(hit.triangle == 3)
        // From inside, the back face is hit (both faces count).
        let inside = try #require(bvh.intersect(origin: .zero, direction: SIMD3(0, 0, 1)))
        #expect(abs(inside.t - 1) < 1e-6)
    }

    @Test("rays that miss, point away or stop short return nil")
    func misses() {
        let sphere = TriangleBVH(mesh: TestMeshes.sphere())
        #expect(sphere.intersect(origin: SIMD3(0, 0, 5), direction: SIMD3(0, 0, 1)) == nil)  // away
        #expect(sphere.intersect(origin: SIMD3(1.5, 0, 5), direction: SIMD3(0, 0, -1)) == nil)  // beside
        #expect(sphere.intersect(origin: SIMD3(0, 0, 5), direction: SIMD3(0, 0, -1), maxDistance: 3.9) == nil)
        #expect(sphere.intersect(origin: SIMD3(0, 0, 5), direction: SIMD3(0, 0, -1), maxDistance: 4.1) != nil)
        // Straight through the torus's hole.
        let torus = TriangleBVH(mesh: TestMeshes.torus())
        #expect(torus.intersect(origin: SIMD3(0, 0, 5), direction: SIMD3(0, 0, -1)) == nil)
        #expect(torus.intersect(origin: SIMD3(0.7, 0, 5), direction: SIMD3(0, 0, -1)) != nil)
        #expect(TriangleBVH(mesh: TestMeshes.mesh([], [])).intersect(origin: .zero, direction: SIMD3(1, 0, 0)) == nil)
    }

    @Test("leaves hold at most four triangles, each triangle once, inside their parents' boxes")
    func structure() throws {
        let mesh = TestMeshes.torus()
        let bvh = TriangleBVH(mesh: mesh)
        var leafTriangles = 0
        for node in bvh.nodes where node.count > 0 {
            #expect(node.count <= 4)
            leafTriangles += Int(node.count)
        }
        #expect(leafTriangles == mesh.triangleCount)
        for node in bvh.nodes where node.count == 0 {
            for child in [bvh.nodes[Int(node.offset)], bvh.nodes[Int(node.offset) + 1]] {
                #expect(all(child.lo .>= node.lo) && all(child.hi .<= node.hi))
            }
        }
        let root = try #require(bvh.bounds)
        #expect(root == mesh.bounds)
    }

    @Test("build and queries are deterministic")
    func deterministic() {
        let mesh = TestMeshes.torus()
        let a = TriangleBVH(mesh: mesh)
        let b = TriangleBVH(mesh: mesh)
        #expect(a.nodes.count == b.nodes.count)
        #expect(zip(a.nodes, b.nodes).allSatisfy { $0.lo == $1.lo && $0.hi == $1.hi && $0.offset == $1.offset })
        for (origin, direction) in Self.randomRays(around: mesh, count: 200, seed: 3) {
            let x = a.intersect(origin: origin, direction: direction)
            let y = b.intersect(origin: origin, direction: direction)
            #expect(x?.t == y?.t && x?.triangle == y?.triangle)
        }
    }

    @Test("coincident triangles build and tie to the smallest index")
    func coincident() throws {
        let points: [SIMD3<Float>] = [SIMD3(-1, -1, 0), SIMD3(1, -1, 0), SIMD3(0, 1, 0)]
        let indices: [UInt32] = Array(repeating: [0, 1, 2], count: 50).flatMap { $0 }
        let bvh = TriangleBVH(mesh: TestMeshes.mesh(points, indices))
        let hit = try #require(bvh.intersect(origin: SIMD3(0, 0, 3), direction: SIMD3(0, 0, -1)))
        #expect(hit.triangle == 0)
        #expect(abs(hit.t - 3) < 1e-6)
    }
}
