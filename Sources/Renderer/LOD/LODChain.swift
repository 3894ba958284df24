import Foundation

/// A mesh's levels of detail, made once when the model loads.
///
/// Level 0 is the full mesh; each next level has about a quarter of the triangles of the
/// one before (1/4, 1/16, 1/64 of the full count), made by `MeshSimplifier` from the full
/// mesh so errors do not compound. The chain stops before a level would drop under
/// `minimumTriangles`, or when simplification no longer removes triangles.
///
/// Picking never uses these levels; it runs on the full mesh's `TriangleBVH`.
package struct LODChain: Sendable {
    /// Level 0 is the full mesh; later levels are coarser.
    package let levels: [Mesh]

    /// How many levels below the full mesh are made at most.
    package static let maxCoarseLevels = 3
    /// The usual floor under which no further level is made.
    package static let defaultMinimumTriangles = 200
    /// Screen pixels per triangle that a level must reach: a level is fine enough for an
    /// instance `h` pixels tall when it has at least `(h² / pixelsPerTriangle)` triangles,
    /// that is one triangle for every 4×4-pixel block of the instance's bounding square.
    /// About half of a closed model's triangles face the camera and its silhouette covers
    /// most of that square, so visible triangles stay around 20–30 pixels in area.
    package static let pixelsPerTriangle: Double = 16

    /// Builds the chain from the full-resolution mesh.
    package init(full: Mesh, minimumTriangles: Int = LODChain.defaultMinimumTriangles, maxCoarseLevels: Int = LODChain.maxCoarseLevels) {
        var levels = [full]
        var target = full.triangleCount
        for _ in 0..<maxCoarseLevels {
            target /= 4
            guard target >= minimumTriangles else { break }
            let coarse = MeshSimplifier.simplify(full, targetTriangles: target)
            // Stop when the simplifier cannot get meaningfully under the level before.
            guard let previous = levels.last, coarse.triangleCount > 0,
                coarse.triangleCount * 4 <= previous.triangleCount * 3
            else { break }
            levels.append(coarse)
        }
        self.levels = levels
    }

    /// Wraps levels made elsewhere (finest first).
    package init(levels: [Mesh]) {
        precondition(!levels.isEmpty, "an LOD chain needs at least the full mesh")
        self.levels = levels
    }

    /// Triangle count of each level, finest first.
    package var triangleCounts: [Int] { levels.map(\.triangleCount) }

    /// The coarsest level with at least `h² / pixelsPerTriangle` triangles for an instance
    /// whose bounding sphere projects to `h` pixels; level 0 when none of the coarse ones
    /// has enough. Never finer for a smaller `h` (the choice is monotonic).
    package func level(forProjectedHeightPixels h: Double) -> Int {
        Self.level(forProjectedHeightPixels: h, triangleCounts: triangleCounts)
    }

    /// The same choice from triangle counts alone (finest first), so a caller holding only
    /// the counts (the triangle budget, say) chooses identically.
    package static func level(
        forProjectedHeightPixels h: Double, triangleCounts: [Int], pixelsPerTriangle: Double = LODChain.pixelsPerTriangle
    ) -> Int {
        guard h.isFinite else { return 0 }
        let size = max(h, 0)
        let needed = size * size / pixelsPerTriangle
        var chosen = 0
        for (index, count) in triangleCounts.enumerated() where Double(count) >= needed {
            chosen = index
        }
        return chosen
    }

    /// The height in pixels of a bounding sphere of `radius` at `distance` from the eye,
    /// in a view `viewportHeight` pixels tall with a vertical field of view of
    /// `fovDegrees`. A sphere around the eye covers the whole view.
    package static func projectedHeightPixels(
        radius: Double, distance: Double, fovDegrees: Double, viewportHeight: Int
    ) -> Double {
        let halfHeight = Double(viewportHeight) / 2
        guard distance > radius else { return Double(viewportHeight) }
        let tanHalf = tan(fovDegrees * .pi / 360)
        // The sphere's angular radius, projected onto the image plane.
        let angular = asin(radius / distance)
        return 2 * halfHeight * tan(angular) / tanHalf
    }
}
