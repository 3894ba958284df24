import Foundation
import Renderer
import SceneLedger
import Testing

@Suite("Levels of detail and the triangle budget")
struct LODTests {
    static let sphere = TestMeshes.sphere()
    static let torus = TestMeshes.torus()
    static let sphereChain = LODChain(full: sphere)
    static let torusChain = LODChain(full: torus)

    @Test("each level has about a quarter of the triangles of the one before", arguments: ["sphere", "torus"])
    func levelCounts(name: String) {
        let (full, chain) = name == "sphere" ? (Self.sphere, Self.sphereChain) : (Self.torus, Self.torusChain)
        let counts = chain.triangleCounts
        #expect(chain.levels.count == 4, "\(name): \(counts)")
        #expect(counts[0] == full.triangleCount)
        for level in 1..<counts.count {
            #expect(counts[level] < counts[level - 1])
            let target = Double(full.triangleCount) / pow(4, Double(level))
            let ratio = Double(counts[level]) / target
            #expect(ratio > 0.5 && ratio < 2, "\(name) level \(level): \(counts[level]) for \(Int(target))")
        }
        #expect(counts.last! >= 150)
    }

    @Test("levels stay inside the original bounds, keep most of the extent, and have unit normals")
    func geometry() {
        for (full, chain) in [(Self.sphere, Self.sphereChain), (Self.torus, Self.torusChain)] {
            for mesh in chain.levels.dropFirst() {
                let slack: Float = 1e-5
                #expect(all(mesh.bounds.min .>= full.bounds.min - slack))
                #expect(all(mesh.bounds.max .<= full.bounds.max + slack))
                // Averaging shrinks the shape by less than a cell; the coarsest cells are
                // about a sixth of the size here.
                #expect(all(mesh.bounds.size .>= full.bounds.size * 0.75))
                #expect(mesh.normals.count == mesh.positions.count)
                #expect(mesh.indices.allSatisfy { Int($0) < mesh.vertexCount })
                var worst: Float = 0
                for v in 0..<mesh.vertexCount {
                    let n = mesh.normal(v)
                    worst = max(worst, abs((n * n).sum().squareRoot() - 1))
                }
                #expect(worst < 1e-4)
                #expect(mesh.bounds == Mesh.Bounds(points: mesh.positions))
            }
        }
    }

    @Test("the torus keeps its hole at the first two coarse levels")
    func torusHole() {
        let chain = Self.torusChain
        // The hole's radius is 0.45; no vertex may fall into the inner 0.3.
        for mesh in chain.levels.prefix(3) {
            var closest = Float.infinity
            for v in 0..<mesh.vertexCount {
                let p = mesh.position(v)
                closest = min(closest, (p.x * p.x + p.y * p.y).squareRoot())
            }
            #expect(closest > 0.3)
        }
    }

    @Test("simplification is deterministic and leaves small meshes alone")
    func deterministic() {
        let a = MeshSimplifier.simplify(Self.torus, targetTriangles: 1500)
        let b = MeshSimplifier.simplify(Self.torus, targetTriangles: 1500)
        #expect(a == b)
        #expect(a.triangleCount < Self.torus.triangleCount)
        let box = TestMeshes.box(SIMD3(0, 0, 0), SIMD3(1, 2, 3))
        #expect(MeshSimplifier.simplify(box, targetTriangles: 100) == box)
        #expect(LODChain(full: box).levels.count == 1)
    }

    @Test("the level choice is monotonic in projected size")
    func levelChoice() {
        let chain = Self.sphereChain
        var previous = Int.max
        for h in stride(from: 0.0, through: 4000, by: 5) {
            let level = chain.level(forProjectedHeightPixels: h)
            #expect(level <= previous)
            previous = level
        }
        #expect(chain.level(forProjectedHeightPixels: 2) == chain.levels.count - 1)
        #expect(chain.level(forProjectedHeightPixels: 2000) == 0)
        #expect(chain.level(forProjectedHeightPixels: .nan) == 0)
        // The documented rule: at 160 px a level needs 160² / 16 = 1,600 triangles.
        let counts = [20_000, 5_000, 1_600, 300]
        #expect(LODChain.level(forProjectedHeightPixels: 160, triangleCounts: counts) == 2)
        #expect(LODChain.level(forProjectedHeightPixels: 161, triangleCounts: counts) == 1)
    }

    @Test("projected height shrinks with distance and fills the view from inside")
    func projectedHeight() {
        let near = LODChain.projectedHeightPixels(radius: 1, distance: 10, fovDegrees: 60, viewportHeight: 720)
        let far = LODChain.projectedHeightPixels(radius: 1, distance: 100, fovDegrees: 60, viewportHeight: 720)
        #expect(near > far && far > 0)
        // Far away the sphere spans 2r / (2 d tan 30°) of the view's height.
        #expect(abs(far - 720 * 2 / (2 * 100 * tan(Double.pi / 6))) < 0.1)
        #expect(LODChain.projectedHeightPixels(radius: 2, distance: 1, fovDegrees: 60, viewportHeight: 720) == 720)
    }

    func instances(_ heights: [Double]) -> [TriangleBudget.Instance] {
        let counts = [20_000, 5_000, 1_250, 300]
        return heights.map {
            TriangleBudget.Instance(
                projectedHeightPixels: $0, level: LODChain.level(forProjectedHeightPixels: $0, triangleCounts: counts),
                levelTriangles: counts)
        }
    }

    @Test("under the budget nothing changes")
    func budgetSlack() {
        let input = instances([600, 300, 100, 20])
        let result = TriangleBudget(maxTriangles: 1_000_000).apply(input)
        // 600 and 300 px need the full mesh (300² / 16 > 5,000), 100 px level 2, 20 px level 3.
        #expect(input.map(\.level) == [0, 0, 2, 3])
        #expect(result.levels == [0, 0, 2, 3])
        #expect(result.totalTriangles == 20_000 + 20_000 + 1_250 + 300)
        #expect(result.fits)
    }

    @Test("the budget holds and the smallest on screen are coarsened first")
    func budgetBinds() {
        // 40 instances from 10 to 790 px tall, shuffled so input order is not size order.
        var rng = SplitMix64(seed: 7)
        let heights = (0..<40).map { Double(10 + 20 * $0) }.shuffled(using: &rng)
        let input = instances(heights)
        let before = input.reduce(0) { $0 + $1.levelTriangles[$1.level] }
        let budget = before / 2
        let result = TriangleBudget(maxTriangles: budget).apply(input)
        #expect(result.fits)
        #expect(result.totalTriangles <= budget)
        #expect(result.totalTriangles == zip(input, result.levels).reduce(0) { $0 + $1.0.levelTriangles[$1.1] })
        // Nobody gets finer; somebody got coarser.
        #expect(zip(input, result.levels).allSatisfy { $1 >= $0.level })
        #expect(zip(input, result.levels).contains { $1 > $0.level })
        // Whoever was coarsened, everyone smaller is already at the coarsest level.
        for (i, a) in input.enumerated() where result.levels[i] > a.level {
            for (j, b) in input.enumerated() where b.projectedHeightPixels < a.projectedHeightPixels {
                #expect(result.levels[j] == 3)
            }
        }
        // The largest instance keeps its own choice.
        let largest = heights.firstIndex(of: 790)!
        #expect(result.levels[largest] == input[largest].level)
    }

    @Test("an impossible budget leaves everything at the coarsest level and says so")
    func budgetImpossible() {
        let result = TriangleBudget(maxTriangles: 500).apply(instances([800, 400, 50]))
        #expect(result.levels == [3, 3, 3])
        #expect(result.totalTriangles == 900)
        #expect(!result.fits)
        #expect(TriangleBudget(maxTriangles: 0).apply([]) == .init(levels: [], totalTriangles: 0, fits: true))
    }
}
