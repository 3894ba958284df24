import Foundation
import Renderer
import SceneLedger
import Testing

@Suite("Built-in equipment models and the mesh builder")
struct BuiltinEquipmentTests {
    // MARK: Helpers

    static func face(_ mesh: Mesh, _ t: Int) -> (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>) {
        let (a, b, c) = mesh.triangle(t)
        return (mesh.position(Int(a)), mesh.position(Int(b)), mesh.position(Int(c)))
    }

    static func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    static func dot(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> Float { (a * b).sum() }

    /// Signed volume by the divergence theorem (positive when normals face outward).
    static func volume(_ mesh: Mesh) -> Double {
        var v = 0.0
        for t in 0..<mesh.triangleCount {
            let (p0, p1, p2) = face(mesh, t)
            v += Double(dot(p0, cross(p1, p2))) / 6
        }
        return v
    }

    /// Edges between positions welded on a 1e-5 grid, with how many triangles use each.
    static func edgeUse(_ mesh: Mesh) -> [String: Int] {
        func key(_ p: SIMD3<Float>) -> String {
            "\(Int((p.x * 1e5).rounded())),\(Int((p.y * 1e5).rounded())),\(Int((p.z * 1e5).rounded()))"
        }
        var use: [String: Int] = [:]
        for t in 0..<mesh.triangleCount {
            let (p0, p1, p2) = face(mesh, t)
            let k = [key(p0), key(p1), key(p2)]
            for (i, j) in [(0, 1), (1, 2), (2, 0)] {
                let e = k[i] < k[j] ? k[i] + "|" + k[j] : k[j] + "|" + k[i]
                use[e, default: 0] += 1
            }
        }
        return use
    }

    static func deviceKind(_ e: BuiltinEquipment) throws -> DeviceKind {
        try #require(DeviceKind(rawValue: e.rawValue))
    }

    // MARK: Models

    @Test("each model has 20k to 120k triangles", arguments: BuiltinEquipment.allCases)
    func triangleBudget(_ e: BuiltinEquipment) {
        let start = ContinuousClock.now
        let mesh = e.build()
        let elapsed = ContinuousClock.now - start
        let s = mesh.bounds.size
        print("\(e.rawValue): \(mesh.triangleCount) triangles, \(mesh.vertexCount) vertices, \(s.x) × \(s.y) × \(s.z) m, built in \(elapsed)")
        #expect(mesh.triangleCount >= 20_000)
        #expect(mesh.triangleCount <= 120_000)
    }

    @Test("each model matches its device box, standing on y = 0 and centred", arguments: BuiltinEquipment.allCases)
    func bounds(_ e: BuiltinEquipment) throws {
        let mesh = e.mesh()
        let want = DeviceBounds.size(of: try Self.deviceKind(e))
        let size = mesh.bounds.size
        for (got, expected) in [(size.x, want.x), (size.y, want.y), (size.z, want.z)] {
            #expect(abs(Double(got) - expected) <= expected * 0.02, "\(e.rawValue): size \(size) vs \(want)")
        }
        #expect(abs(mesh.bounds.min.y) < 1e-5)
        #expect(abs(mesh.bounds.center.x) < 1e-4 && abs(mesh.bounds.center.z) < 1e-4)
        #expect(mesh.bounds == Mesh.Bounds(points: mesh.positions))
    }

    @Test("each model is well formed: finite, unit normals, indices in range, no degenerate triangles", arguments: BuiltinEquipment.allCases)
    func wellFormed(_ e: BuiltinEquipment) {
        let mesh = e.mesh()
        #expect(mesh.positions.count == mesh.normals.count)
        #expect(mesh.indices.count % 3 == 0)
        #expect(mesh.positions.allSatisfy { $0.isFinite })
        #expect(mesh.normals.allSatisfy { $0.isFinite })
        let badNormals = (0..<mesh.vertexCount).filter { abs((mesh.normal($0) * mesh.normal($0)).sum().squareRoot() - 1) > 1e-3 }
        #expect(badNormals.isEmpty, "\(e.rawValue): \(badNormals.count) normals not unit length")
        #expect(mesh.indices.allSatisfy { Int($0) < mesh.vertexCount })
        var degenerate = 0
        for t in 0..<mesh.triangleCount {
            let (p0, p1, p2) = Self.face(mesh, t)
            let area = (Self.cross(p1 - p0, p2 - p0) * Self.cross(p1 - p0, p2 - p0)).sum().squareRoot() / 2
            if !(area > 1e-10) { degenerate += 1 }
        }
        #expect(degenerate == 0, "\(e.rawValue): \(degenerate) degenerate triangles")
    }

    @Test("each model's winding agrees with its vertex normals", arguments: BuiltinEquipment.allCases)
    func windingMatchesNormals(_ e: BuiltinEquipment) {
        let mesh = e.mesh()
        var disagree = 0
        for t in 0..<mesh.triangleCount {
            let (a, b, c) = mesh.triangle(t)
            let (p0, p1, p2) = Self.face(mesh, t)
            let n = mesh.normal(Int(a)) + mesh.normal(Int(b)) + mesh.normal(Int(c))
            if Self.dot(Self.cross(p1 - p0, p2 - p0), n) <= 0 { disagree += 1 }
        }
        #expect(disagree == 0, "\(e.rawValue): \(disagree) triangles wound against their normals")
    }

    @Test("each model is deterministic and cached", arguments: BuiltinEquipment.allCases)
    func deterministic(_ e: BuiltinEquipment) {
        #expect(e.build() == e.build())
        #expect(e.mesh() == e.build())
    }

    @Test("the raw values are the built-in model names used by devices")
    func names() {
        #expect(BuiltinEquipment.allCases.map(\.rawValue) == ["work_center", "robot_arm", "conveyor", "storage", "agv"])
        #expect(BuiltinEquipment(rawValue: "robot_arm") == .robotArm)
    }

    // MARK: Primitives

    @Test("a builder cube is closed and its faces point outward")
    func cube() {
        var b = MeshBuilder()
        let center: SIMD3<Float> = [1, 2, 3]
        b.box(center: center, size: [2, 2, 2])
        let mesh = b.build()
        #expect(mesh.triangleCount == 12)
        let use = Self.edgeUse(mesh)
        #expect(!use.isEmpty && use.values.allSatisfy { $0 == 2 })
        for t in 0..<mesh.triangleCount {
            let (p0, p1, p2) = Self.face(mesh, t)
            let n = Self.cross(p1 - p0, p2 - p0)
            #expect(Self.dot(n, (p0 + p1 + p2) / 3 - center) > 0)
        }
        #expect(abs(Self.volume(mesh) - 8) < 1e-4)
    }

    @Test("a 64-segment cylinder's volume is within 1% of πr²h")
    func cylinderVolume() {
        var b = MeshBuilder()
        let (r, h): (Float, Float) = (0.3, 1.7)
        b.cylinder(from: [0.5, 0.1, -0.2], to: [0.5 + h, 0.1, -0.2], radius: r, segments: 64)
        let expected = Double.pi * Double(r * r * h)
        #expect(abs(Self.volume(b.build()) - expected) / expected < 0.01)
    }

    @Test("closed primitives are watertight with outward winding", arguments: 0..<9)
    func closedPrimitives(_ which: Int) {
        var b = MeshBuilder()
        switch which {
        case 0: b.roundedBox(center: [0, 1, 0], size: [1, 0.5, 0.8], radius: 0.1, segments: 4)
        case 1: b.bevelledBox(center: [0, 1, 0], size: [1, 0.5, 0.8], bevel: 0.05)
        case 2: b.capsule(from: [0, 0, 0], to: [0, 1, 1], radius: 0.2, segments: 32, rings: 12)
        case 3: b.sphere(center: [1, 1, 1], radius: 0.5, segments: 32, rings: 16)
        case 4: b.torus(center: .zero, axis: [1, 1, 0], major: 1, minor: 0.25, majorSegments: 48, minorSegments: 16)
        case 5: b.tube(from: .zero, to: [0, 0, 2], outer: 0.5, inner: 0.4, segments: 48)
        case 6: b.frustum(from: .zero, to: [0, 1, 0], r0: 0.5, r1: 0, segments: 48)
        case 7: b.roundedCylinder(from: .zero, to: [0, 0.2, 0], radius: 0.5, fillet: 0.05, segments: 48, filletSegments: 4)
        default:
            b.prism(profile: MeshBuilder.roundedRect(width: 1, height: 0.6, radius: 0.1, cornerSegments: 6), z0: 0, z1: 0.3)
        }
        let mesh = b.build()
        let use = Self.edgeUse(mesh)
        #expect(use.values.allSatisfy { $0 == 2 }, "primitive \(which) has open or over-shared edges")
        #expect(Self.volume(mesh) > 0, "primitive \(which) is wound inward")
    }

    @Test("a sphere's volume converges to 4/3 πr³ and its normals point away from the centre")
    func sphere() {
        var b = MeshBuilder()
        let c: SIMD3<Float> = [0.2, 0.3, 0.4]
        b.sphere(center: c, radius: 1, segments: 96, rings: 48)
        let mesh = b.build()
        #expect(abs(Self.volume(mesh) - 4 / 3 * Double.pi) / (4 / 3 * Double.pi) < 0.01)
        for v in 0..<mesh.vertexCount {
            #expect(Self.dot(mesh.normal(v), mesh.position(v) - c) > 0.99)
        }
    }

    @Test("transforms move, rotate and scale geometry; a mirror keeps it wound outward")
    func transforms() {
        var b = MeshBuilder()
        b.with(.translation([1, 0, 0]) * .rotationZ(.pi / 2) * .scale([2, 1, 1])) { m in
            m.box(center: [0.5, 0, 0], size: [1, 1, 1])
        }
        let bounds = b.build().bounds
        // x-extent [0, 2] scaled then turned onto y, then moved by 1 in x.
        #expect(abs(bounds.min.y - 0) < 1e-5 && abs(bounds.max.y - 2) < 1e-5)
        #expect(abs(bounds.min.x - 0.5) < 1e-5 && abs(bounds.max.x - 1.5) < 1e-5)

        var mirrored = MeshBuilder()
        mirrored.with(.scale([-1, 1, 1])) { m in
            m.cylinder(from: [1, 0, 0], to: [1, 1, 0], radius: 0.2, segments: 32)
        }
        let mesh = mirrored.build()
        #expect(Self.volume(mesh) > 0)
        #expect(mesh.bounds.max.x < 0)
    }

    @Test("placing on the ground centres x and z and sets the lowest point to y = 0")
    func placeOnGround() {
        var b = MeshBuilder()
        b.box(center: [3, -2, 5], size: [1, 2, 3])
        b.placeOnGround()
        let bounds = b.build().bounds
        #expect(bounds.min == SIMD3(-0.5, 0, -1.5))
        #expect(bounds.max == SIMD3(0.5, 2, 1.5))
    }
}
