/// Holds a frame's triangle count under a budget by coarsening instances, the smallest on
/// screen first. Pure: the same instances always give the same levels.
///
/// Instances are taken in order of projected size, smallest first (ties by their position in
/// the input). Each is coarsened one level at a time down to its chain's coarsest level
/// before the next is touched, and the walk stops as soon as the total fits. So when the
/// budget binds, the instances that lose detail are exactly the ones that show it least,
/// and the biggest on screen keep the level their size chose.
package struct TriangleBudget: Sendable, Equatable {
    /// One visible instance as the culling pass saw it.
    package struct Instance: Sendable, Equatable {
        /// Height of the instance's bounding sphere on screen, in pixels.
        package var projectedHeightPixels: Double
        /// The level its size chose (`LODChain.level(forProjectedHeightPixels:)`).
        package var level: Int
        /// Triangles of each level of its mesh's chain, finest first.
        package var levelTriangles: [Int]

        package init(projectedHeightPixels: Double, level: Int, levelTriangles: [Int]) {
            self.projectedHeightPixels = projectedHeightPixels
            self.level = level
            self.levelTriangles = levelTriangles
        }
    }

    /// The outcome for one frame.
    package struct Result: Sendable, Equatable {
        /// The level to draw for each instance, parallel to the input.
        package var levels: [Int]
        /// Triangles drawn at those levels.
        package var totalTriangles: Int
        /// False when even every instance at its coarsest level exceeds the budget; the
        /// levels are then all the coarsest.
        package var fits: Bool

        package init(levels: [Int], totalTriangles: Int, fits: Bool) {
            self.levels = levels
            self.totalTriangles = totalTriangles
            self.fits = fits
        }
    }

    /// The most triangles one frame may draw.
    package var maxTriangles: Int

    package init(maxTriangles: Int) {
        self.maxTriangles = maxTriangles
    }

    /// The levels to draw so the total stays within `maxTriangles`.
    package func apply(_ instances: [Instance]) -> Result {
        var levels = instances.map { instance in
            min(max(instance.level, 0), max(instance.levelTriangles.count - 1, 0))
        }
        func triangles(_ i: Int) -> Int {
            let counts = instances[i].levelTriangles
            return counts.isEmpty ? 0 : counts[levels[i]]
        }
        var total = 0
        for i in instances.indices { total += triangles(i) }
        guard total > maxTriangles else { return Result(levels: levels, totalTriangles: total, fits: true) }

        let order = instances.indices.sorted { a, b in
            let ha = instances[a].projectedHeightPixels
            let hb = instances[b].projectedHeightPixels
            return ha != hb ? ha < hb : a < b
        }
        for i in order {
            let coarsest = instances[i].levelTriangles.count - 1
            while levels[i] < coarsest, total > maxTriangles {
                total -= triangles(i)
                levels[i] += 1
                total += triangles(i)
            }
            if total <= maxTriangles { break }
        }
        return Result(levels: levels, totalTriangles: total, fits: total <= maxTriangles)
    }
}
