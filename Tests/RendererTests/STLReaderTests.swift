import Foundation
import Renderer
import Testing

/// A triangle as written to an STL file: stored normal, then three corners.
private struct Facet {
    var normal: SIMD3<Float>
    var a, b, c: SIMD3<Float>
    init(normal: SIMD3<Float> = .zero, _ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>) {
        self.normal = normal
        self.a = a
        self.b = b
        self.c = c
    }
}

/// Writers for the STL files the tests need, and shapes to put in them.
private enum Make {
    static func binary(_ facets: [Facet], header: String = "test", count: Int? = nil) -> [UInt8] {
        var bytes = Array(header.utf8.prefix(80))
        bytes += [UInt8](repeating: 0x20, count: 80 - bytes.count)
        withUnsafeBytes(of: UInt32(count ?? facets.count).littleEndian) { bytes += $0 }
        for f in facets {
            for v in [f.normal, f.a, f.b, f.c] {
                for x in [v.x, v.y, v.z] { withUnsafeBytes(of: x.bitPattern.littleEndian) { bytes += $0 } }
            }
            bytes += [0, 0]
        }
        return bytes
    }

    static func ascii(_ facets: [Facet], name: String = "test", newline: String = "\n") -> [UInt8] {
        func v(_ p: SIMD3<Float>) -> String { "\(p.x) \(p.y) \(p.z)" }
        var text = "solid \(name)\(newline)"
        for f in facets {
            text += "  facet normal \(v(f.normal))\(newline)    outer loop\(newline)"
            for p in [f.a, f.b, f.c] { text += "      vertex \(v(p))\(newline)" }
            text += "    endloop\(newline)  endfacet\(newline)"
        }
        text += "endsolid \(name)\(newline)"
        return Array(text.utf8)
    }

    /// A triangle wound so that its winding normal points along `outward`.
    static func oriented(_ a: SIMD3<Float>, _ b: SIMD3<Float>, _ c: SIMD3<Float>, outward: SIMD3<Float>, normal: SIMD3<Float> = .zero) -> Facet {
        let u = b - a, w = c - a
        let cross = SIMD3<Float>(u.y * w.z - u.z * w.y, u.z * w.x - u.x * w.z, u.x * w.y - u.y * w.x)
        return (cross * outward).sum() >= 0 ? Facet(normal: normal, a, b, c) : Facet(normal: normal, a, c, b)
    }

    /// The unit cube [0, 1]³ as 12 counter-clockwise (outward) triangles.
    static func cube(storedNormals: Bool = false) -> [Facet] {
        var facets: [Facet] = []
        for axis in 0..<3 {
            for side: Float in [0, 1] {
                let outward = SIMD3<Float>((0..<3).map { $0 == axis ? side * 2 - 1 : 0 })
                func corner(_ s: Float, _ t: Float) -> SIMD3<Float> {
                    var p = SIMD3<Float>.zero
                    p[axis] = side
                    p[(axis + 1) % 3] = s
                    p[(axis + 2) % 3] = t
                    return p
                }
                let n = storedNormals ? outward : .zero
                facets.append(oriented(corner(0, 0), corner(1, 0), corner(1, 1), outward: outward, normal: n))
                facets.append(oriented(corner(0, 0), corner(1, 1), corner(0, 1), outward: outward, normal: n))
            }
        }
        return facets
    }

    /// A UV sphere of radius 1: fans at the poles, quads between `stacks - 1` rings of `slices`.
    static func sphere(stacks: Int, slices: Int) -> [Facet] {
        func point(_ i: Int, _ j: Int) -> SIMD3<Float> {
            let theta = Double(i) / Double(stacks) * .pi
            let phi = Double(j % slices) / Double(slices) * 2 * .pi
            return SIMD3(Float(sin(theta) * cos(phi)), Float(cos(theta)), Float(sin(theta) * sin(phi)))
        }
        let top = SIMD3<Float>(0, 1, 0), bottom = SIMD3<Float>(0, -1, 0)
        var facets: [Facet] = []
        for j in 0..<slices {
            facets.append(oriented(top, point(1, j), point(1, j + 1), outward: point(1, j)))
            facets.append(oriented(bottom, point(stacks - 1, j), point(stacks - 1, j + 1), outward: point(stacks - 1, j)))
            for i in 1..<(stacks - 1) {
                let a = point(i, j), b = point(i, j + 1), c = point(i + 1, j + 1), d = point(i + 1, j)
                let mid = (a + c) * 0.5
                facets.append(oriented(a, b, c, outward: mid))
                facets.append(oriented(a, c, d, outward: mid))
            }
        }
        return facets
    }

    /// A deterministic generator (SplitMix64) for "random" bytes.
    static func noise(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return UInt8(truncatingIfNeeded: z ^ (z >> 31))
        }
    }
}

/// Expects `body` to throw a `RendererError` with `code`; returns it for more checks.
@discardableResult
private func expectError(
    _ code: RendererError.Code, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws(RendererError) -> Mesh
) -> RendererError? {
    do {
        let mesh = try body()
        Issue.record("expected \(code), got a mesh of \(mesh.triangleCount) triangles", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    }
}

private func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/STL/\(name)").path
}

private func temporaryFile(_ bytes: [UInt8]) throws -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("stl-\(UUID().uuidString).stl").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite("Reading STL models")
struct STLReaderTests {
    @Test(
        "assimp's test files load with their triangle counts",
        arguments: [
            ("triangle.stl", 1, 0), ("triangle_with_empty_solid.stl", 1, 0), ("triangle_with_two_solids.stl", 2, 0),
            ("Spider_binary.stl", 1312, 56), ("3DSMaxExport.STL", 2000, 0), ("sphereWithHole.stl", 285, 0),
        ])
    func fixtures(name: String, triangles: Int, dropped: Int) throws {
        let mesh = try STLReader.read(path: fixture(name))
        #expect(mesh.triangleCount == triangles)
        #expect(mesh.droppedDegenerate == dropped)
        #expect(mesh.positions.count == mesh.normals.count)
        #expect(mesh.indices.allSatisfy { Int($0) < mesh.vertexCount })
        for v in 0..<mesh.vertexCount {
            let n = mesh.normal(v)
            #expect(abs((n * n).sum() - 1) < 1e-4)
        }
    }

    @Test("assimp's single triangle: its corners and normal")
    func triangleFixture() throws {
        let mesh = try STLReader.read(path: fixture("triangle.stl"))
        #expect(mesh.vertexCount == 3)
        #expect(mesh.bounds == Mesh.Bounds(min: SIMD3(-1, -1, 0), max: SIMD3(1, 1, 0)))
        #expect((0..<3).allSatisfy { mesh.normal($0) == SIMD3(0, 0, 1) })
    }

    @Test("a binary cube and its ASCII twin give the same mesh, with 24 vertices at a 30° crease")
    func cubeTwins() throws {
        let binary = try STLReader.read(bytes: Make.binary(Make.cube()))
        let ascii = try STLReader.read(bytes: Make.ascii(Make.cube()))
        #expect(binary == ascii)
        #expect(binary.triangleCount == 12)
        #expect(binary.vertexCount == 24)
        #expect(binary.bounds == Mesh.Bounds(min: .zero, max: SIMD3(1, 1, 1)))
        // Sharp edges: every vertex normal is one of the six axis directions.
        for v in 0..<binary.vertexCount {
            let n = binary.normal(v)
            let magnitudes = [abs(n.x), abs(n.y), abs(n.z)].sorted()
            #expect(magnitudes == [0, 0, 1])
        }
    }

    @Test("a crease angle above 90° welds the cube to 8 shared corners")
    func cubeWithoutCreases() throws {
        let mesh = try STLReader.read(bytes: Make.binary(Make.cube()), creaseAngleDegrees: 100)
        #expect(mesh.vertexCount == 8)
        #expect(mesh.triangleCount == 12)
        for v in 0..<8 {
            let outward = mesh.position(v) - SIMD3(repeating: 0.5)
            #expect((mesh.normal(v) * outward).sum() > 0.8)
        }
    }

    @Test("zero normals are recomputed from the winding and point out of a CCW cube")
    func zeroNormals() throws {
        let mesh = try STLReader.read(bytes: Make.binary(Make.cube(storedNormals: false)))
        #expect(mesh.recomputedNormals == 12)
        for t in 0..<mesh.triangleCount {
            let (i, j, k) = mesh.triangle(t)
            let centroid = (mesh.position(Int(i)) + mesh.position(Int(j)) + mesh.position(Int(k))) / 3
            #expect((mesh.normal(Int(i)) * (centroid - SIMD3(repeating: 0.5))).sum() > 0.4)
        }
        let trusted = try STLReader.read(bytes: Make.binary(Make.cube(storedNormals: true)))
        #expect(trusted.recomputedNormals == 0)
        #expect(trusted.normals == mesh.normals)
    }

    @Test("a smooth sphere welds into shared vertices with radial normals")
    func sphere() throws {
        let mesh = try STLReader.read(bytes: Make.binary(Make.sphere(stacks: 16, slices: 32)))
        #expect(mesh.triangleCount == 2 * 32 + 2 * 32 * 14)
        #expect(mesh.vertexCount == 15 * 32 + 2)
        #expect(mesh.droppedDegenerate == 0)
        for v in 0..<mesh.vertexCount {
            let p = mesh.position(v)
            #expect((mesh.normal(v) * p).sum() > 0.99)
        }
    }

    @Test("degenerate triangles are dropped and counted")
    func degenerate() throws {
        var facets = Make.cube()
        facets.append(Facet(SIMD3(0, 0, 0), SIMD3(0.5, 0.5, 0.5), SIMD3(1, 1, 1)))  // collinear
        facets.append(Facet(SIMD3(0, 0, 0), SIMD3(0, 0, 0), SIMD3(1, 0, 0)))  // a repeated corner
        facets.append(Facet(SIMD3(0, 0, 0), SIMD3(1, 0, 0), SIMD3(0.5, 1e-9, 0)))  // height far below the epsilon
        let mesh = try STLReader.read(bytes: Make.binary(facets))
        #expect(mesh.droppedDegenerate == 3)
        #expect(mesh.triangleCount == 12)
        #expect(mesh.vertexCount == 24)
        let allFlat = [Facet(SIMD3(0, 0, 0), SIMD3(1, 1, 1), SIMD3(2, 2, 2))]
        expectError(.stlEmpty) { () throws(RendererError) in try STLReader.read(bytes: Make.binary(allFlat)) }
    }

    @Test("a binary file cut inside a record is truncated")
    func truncated() throws {
        let whole = Make.binary(Make.cube())
        expectError(.stlTruncated) { () throws(RendererError) in try STLReader.read(bytes: whole.dropLast(20)) }
        expectError(.stlTruncated) { () throws(RendererError) in try STLReader.read(bytes: whole.prefix(100)) }
        let path = try temporaryFile(Array(whole.dropLast(1)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        expectError(.stlTruncated) { () throws(RendererError) in try STLReader.read(path: path) }
    }

    @Test("a binary count that disagrees with the size is a wrong triangle count")
    func wrongCount() {
        for count in [11, 13, 1000] {
            let bytes = Make.binary(Make.cube(), count: count)
            let error = expectError(.stlTriangleCount) { () throws(RendererError) in try STLReader.read(bytes: bytes) }
            #expect(error?.message.contains("\(count) triangles") == true)
        }
        // Whole records missing at the end, too.
        let short = Make.binary(Make.cube(), count: 12).dropLast(100)
        expectError(.stlTriangleCount) { () throws(RendererError) in try STLReader.read(bytes: short) }
    }

    @Test("a header promising no triangles is empty")
    func emptyBinary() {
        expectError(.stlEmpty) { () throws(RendererError) in try STLReader.read(bytes: Make.binary([])) }
    }

    @Test("a NaN or infinite vertex is reported with its triangle index")
    func notFinite() {
        for bad in [Float.nan, .infinity, -.infinity] {
            var facets = Make.cube()
            facets[5].b.y = bad
            let error = expectError(.stlNotFinite) { () throws(RendererError) in try STLReader.read(bytes: Make.binary(facets)) }
            #expect(error?.message.contains("triangle 5") == true)
        }
        var ascii = String(decoding: Make.ascii(Make.cube()), as: UTF8.self)
        ascii = ascii.replacingOccurrences(of: "vertex 1.0 1.0 0.0", with: "vertex 1.0 nan 0.0")
        expectError(.stlNotFinite) { () throws(RendererError) in try STLReader.read(bytes: Array(ascii.utf8)) }
        // A NaN normal is just recomputed.
        var facets = Make.cube(storedNormals: true)
        facets[0].normal = SIMD3(.nan, 0, 0)
        #expect((try? STLReader.read(bytes: Make.binary(facets)))?.recomputedNormals == 1)
    }

    @Test("random bytes are not STL", arguments: [1, 10, 83, 84, 133, 200, 5_000, 100_000])
    func randomBytes(size: Int) {
        for seed: UInt64 in 1...5 {
            expectError(.stlNotSTL) { () throws(RendererError) in try STLReader.read(bytes: Make.noise(size, seed: seed)) }
        }
    }

    @Test("an empty file, and a solid without facets, are empty")
    func emptySolids() {
        expectError(.stlEmpty) { () throws(RendererError) in try STLReader.read(bytes: [UInt8]()) }
        expectError(.stlEmpty) { () throws(RendererError) in try STLReader.read(bytes: Array("solid x\nendsolid x".utf8)) }
        expectError(.stlEmpty) { () throws(RendererError) in try STLReader.read(bytes: Array("solid\r\nendsolid\r\nsolid y\nendsolid\n".utf8)) }
    }

    @Test("a binary file whose header starts with 'solid' is read as binary")
    func solidHeader() throws {
        let bytes = Make.binary(Make.cube(), header: "solid cube exported by a careless tool")
        let mesh = try STLReader.read(bytes: bytes)
        #expect(mesh.triangleCount == 12)
        #expect(mesh.vertexCount == 24)
        // And when it is truncated, the damage is still named as binary damage.
        expectError(.stlTruncated) { () throws(RendererError) in try STLReader.read(bytes: bytes.dropLast(7)) }
    }

    @Test("ASCII tolerates CRLF, tabs, case, several solids, missing names and number forms")
    func asciiVariants() throws {
        let text = """
            \r\n  SOLID\r\n\tfacet\tnormal 0 0 0\r\n outer   loop\r\n vertex 0 0 0\r\n vertex +1e0 0 0\r\n
            vertex 0 .1E+1 -0.\r\nendloop\r\nENDFACET\r\nendsolid\r\nsolid second part\nfacet normal 0 0 1 outer loop
            vertex 5. 5 0 vertex 6 5 0 vertex 5 6 0 endloop endfacet endsolid second part
            """
        let mesh = try STLReader.read(bytes: Array(text.utf8))
        #expect(mesh.triangleCount == 2)
        #expect(mesh.vertexCount == 6)
        #expect(mesh.bounds == Mesh.Bounds(min: .zero, max: SIMD3(6, 6, 0)))
        let crlf = try STLReader.read(bytes: Make.ascii(Make.cube(), newline: "\r\n"))
        #expect(crlf == (try STLReader.read(bytes: Make.binary(Make.cube()))))
    }

    @Test("malformed ASCII names the line", arguments: [
        ("solid a\nfacet normal 0 0 1\nouter loop\nvertx 0 0 0\n", 4),
        ("solid a\nfacet normal 0 0 x\n", 2),
        ("solid a\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\nvertex 1 1 0\n", 7),
        ("solid a\nendfacet\n", 2),
        ("solid a\nfacet normal 0 0 1\nouter loop\nvertex 1-2 0 0\n", 4),
        ("solid a\nfacet normal 0 0 1\nouter loop\nvertex 1e 0 0\n", 4),
    ])
    func malformedASCII(text: String, line: Int) {
        let error = expectError(.stlNotSTL) { () throws(RendererError) in try STLReader.read(bytes: Array(text.utf8)) }
        #expect(error?.message.hasPrefix("line \(line):") == true, "\(String(describing: error))")
    }

    @Test("ASCII that ends inside a facet or before endsolid is truncated")
    func truncatedASCII() {
        let whole = Make.ascii(Make.cube())
        for cut in [40, whole.count / 2, whole.count - 15] {
            expectError(.stlTruncated) { () throws(RendererError) in try STLReader.read(bytes: whole.prefix(cut)) }
        }
    }

    @Test("an ASCII line over 1 KiB is rejected")
    func longLine() {
        let text = "solid " + String(repeating: "a", count: 2000) + "\nendsolid\n"
        let error = expectError(.stlNotSTL) { () throws(RendererError) in try STLReader.read(bytes: Array(text.utf8)) }
        #expect(error?.message.contains("longer than 1024") == true)
    }

    @Test("chunk boundaries anywhere give the same mesh", arguments: [1, 7, 50, 83, 513])
    func chunking(size: Int) throws {
        for bytes in [Make.binary(Make.cube()), Make.ascii(Make.cube())] {
            var reader = try STLReader(byteCount: bytes.count)
            var start = 0
            while start < bytes.count {
                let end = min(start + size, bytes.count)
                try Array(bytes[start..<end]).withUnsafeBufferPointer { (buffer) throws(RendererError) in
                    try reader.consume(UnsafeRawBufferPointer(buffer))
                }
                start = end
            }
            #expect(try reader.finish() == STLReader.read(bytes: bytes))
        }
    }

    @Test("files larger than a 1 MiB read stream through, binary and ASCII")
    func largeFiles() throws {
        // A wavy 100 × 120 height field: 24,000 triangles, 1.2 MB binary and about 6 MB ASCII.
        var facets: [Facet] = []
        func p(_ i: Int, _ j: Int) -> SIMD3<Float> {
            SIMD3(Float(i), Float(sin(Double(i) * 0.1) + cos(Double(j) * 0.1)), Float(j))
        }
        for i in 0..<100 {
            for j in 0..<120 {
                facets.append(Make.oriented(p(i, j), p(i + 1, j), p(i + 1, j + 1), outward: SIMD3(0, 1, 0)))
                facets.append(Make.oriented(p(i, j), p(i + 1, j + 1), p(i, j + 1), outward: SIMD3(0, 1, 0)))
            }
        }
        for bytes in [Make.binary(facets), Make.ascii(facets)] {
            #expect(bytes.count > 1 << 20)
            let path = try temporaryFile(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let mesh = try STLReader.read(path: path)
            #expect(mesh.triangleCount == 24_000)
            #expect(mesh.vertexCount == 101 * 121)
            #expect((0..<mesh.vertexCount).allSatisfy { mesh.normal($0).y > 0.8 })
        }
    }

    @Test("mutated files give a mesh or an STL error, never a crash or a hang")
    func mutations() {
        let known: Set<RendererError.Code> = [.stlTruncated, .stlTriangleCount, .stlNotFinite, .stlNotSTL, .stlEmpty]
        var outcomes: Set<String> = []
        for (n, original) in [Make.binary(Make.cube()), Make.ascii(Make.cube())].enumerated() {
            for seed: UInt64 in 1...300 {
                let noise = Make.noise(8, seed: seed &* 31 &+ UInt64(n))
                var bytes = original
                // Overwrite one byte, or cut the file, at a position picked by the noise.
                let position = (Int(noise[0]) << 8 | Int(noise[1])) % bytes.count
                if noise[2] < 64 { bytes.removeSubrange(position...) } else { bytes[position] = noise[3] }
                do {
                    let mesh = try STLReader.read(bytes: bytes)
                    #expect(mesh.indices.allSatisfy { Int($0) < mesh.vertexCount })
                    outcomes.insert("mesh")
                } catch {
                    #expect(known.contains(error.code), "\(error)")
                    outcomes.insert(error.code.rawValue)
                }
            }
        }
        #expect(outcomes.contains("mesh") && outcomes.count >= 3, "\(outcomes)")
    }

    @Test("size limits and unreadable paths")
    func limitsAndIO() throws {
        let bytes = Make.binary(Make.cube())
        expectError(.stlTooLarge) { () throws(RendererError) in try STLReader.read(bytes: bytes, maxBytes: 500) }
        let path = try temporaryFile(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        expectError(.stlTooLarge) { () throws(RendererError) in try STLReader.read(path: path, maxBytes: 683) }
        #expect(try STLReader.read(path: path, maxBytes: 684).triangleCount == 12)
        let missing = expectError(.io) { () throws(RendererError) in try STLReader.read(path: path + ".missing") }
        #expect(missing?.underlying is SystemErrno)
        expectError(.io) { () throws(RendererError) in try STLReader.read(path: NSTemporaryDirectory()) }
    }
}
