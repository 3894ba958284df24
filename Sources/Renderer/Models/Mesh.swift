/// An indexed triangle mesh ready for upload: welded positions with smooth vertex normals,
/// and three indices per triangle (counter-clockwise seen from outside).
///
/// Built from an STL triangle soup by `Mesh(soup:creaseAngleDegrees:)`, which computes face
/// normals from the winding, drops degenerate triangles and welds vertices across edges
/// flatter than the crease angle.
package struct Mesh: Sendable, Equatable {
    /// An axis-aligned box.
    package struct Bounds: Sendable, Equatable {
        package var min: SIMD3<Float>
        package var max: SIMD3<Float>

        package init(min: SIMD3<Float>, max: SIMD3<Float>) {
            self.min = min
            self.max = max
        }

        /// The box of the points `xyz[0..<3]`, `xyz[3..<6]`, …; all zeros when empty.
        package init(points xyz: [Float]) {
            guard xyz.count >= 3 else {
                self.init(min: .zero, max: .zero)
                return
            }
            var lo = SIMD3<Float>(xyz[0], xyz[1], xyz[2])
            var hi = lo
            var i = 3
            while i + 2 < xyz.count {
                let p = SIMD3<Float>(xyz[i], xyz[i + 1], xyz[i + 2])
                lo = pointwiseMin(lo, p)
                hi = pointwiseMax(hi, p)
                i += 3
            }
            self.init(min: lo, max: hi)
        }

        package var size: SIMD3<Float> { max - min }
        package var center: SIMD3<Float> { (min + max) * 0.5 }

        /// The length of the box's diagonal, in double precision.
        package var diagonal: Double {
            let s = SIMD3<Double>(Double(size.x), Double(size.y), Double(size.z))
            return (s * s).sum().squareRoot()
        }
    }

    /// Vertex positions, x y z per vertex.
    package var positions: [Float]
    /// Unit vertex normals, x y z per vertex, parallel to `positions`.
    package var normals: [Float]
    /// Three vertex indices per triangle.
    package var indices: [UInt32]
    /// The box around all positions.
    package var bounds: Bounds
    /// Triangles of the file left out because their area was zero (within the model's epsilon).
    package var droppedDegenerate: Int
    /// Triangles whose stored normal was missing, zero, not finite or disagreed with the
    /// winding, so the face normal was taken from the winding alone.
    package var recomputedNormals: Int

    package init(
        positions: [Float], normals: [Float], indices: [UInt32], bounds: Bounds,
        droppedDegenerate: Int = 0, recomputedNormals: Int = 0
    ) {
        self.positions = positions
        self.normals = normals
        self.indices = indices
        self.bounds = bounds
        self.droppedDegenerate = droppedDegenerate
        self.recomputedNormals = recomputedNormals
    }

    package var triangleCount: Int { indices.count / 3 }
    package var vertexCount: Int { positions.count / 3 }

    package func position(_ vertex: Int) -> SIMD3<Float> {
        SIMD3(positions[3 * vertex], positions[3 * vertex + 1], positions[3 * vertex + 2])
    }

    package func normal(_ vertex: Int) -> SIMD3<Float> {
        SIMD3(normals[3 * vertex], normals[3 * vertex + 1], normals[3 * vertex + 2])
    }

    /// The three vertex indices of triangle `t`.
    package func triangle(_ t: Int) -> (UInt32, UInt32, UInt32) {
        (indices[3 * t], indices[3 * t + 1], indices[3 * t + 2])
    }
}
