/// Top-down construction of a `TriangleBVH`.
extension TriangleBVH {
    /// A range of `ids` still to be turned into the node at `node`.
    private struct Task {
        var node: Int
        var start: Int
        var end: Int
        var depth: Int
    }

    /// Fills `nodes` (which holds the root's placeholder) and reorders `ids` into leaf order.
    /// Iterative, so a deep tree cannot overflow the call stack.
    static func build(
        into nodes: inout [Node], ids: inout [Int32],
        lows: [SIMD3<Float>], highs: [SIMD3<Float>], centroids: [SIMD3<Float>]
    ) {
        var tasks = [Task(node: 0, start: 0, end: ids.count, depth: 0)]
        while let task = tasks.popLast() {
            var lo = SIMD3<Float>(repeating: .infinity)
            var hi = SIMD3<Float>(repeating: -.infinity)
            var cLo = lo
            var cHi = hi
            for k in task.start..<task.end {
                let t = Int(ids[k])
                lo = pointwiseMin(lo, lows[t])
                hi = pointwiseMax(hi, highs[t])
                cLo = pointwiseMin(cLo, centroids[t])
                cHi = pointwiseMax(cHi, centroids[t])
            }
            let count = task.end - task.start
            if count <= leafSize {
                nodes[task.node] = Node(lo: lo, hi: hi, offset: Int32(task.start), count: Int32(count))
                continue
            }
            let mid = split(
                ids: &ids, start: task.start, end: task.end, depth: task.depth,
                centroidLow: cLo, centroidHigh: cHi, lows: lows, highs: highs, centroids: centroids)
            let left = nodes.count
            nodes.append(Node(lo: .zero, hi: .zero, offset: 0, count: 0))
            nodes.append(Node(lo: .zero, hi: .zero, offset: 0, count: 0))
            nodes[task.node] = Node(lo: lo, hi: hi, offset: Int32(left), count: 0)
            tasks.append(Task(node: left + 1, start: mid, end: task.end, depth: task.depth + 1))
            tasks.append(Task(node: left, start: task.start, end: mid, depth: task.depth + 1))
        }
    }

    /// Reorders `ids[start..<end]` into two non-empty halves and returns where the second
    /// begins.
    private static func split(
        ids: inout [Int32], start: Int, end: Int, depth: Int,
        centroidLow: SIMD3<Float>, centroidHigh: SIMD3<Float>,
        lows: [SIMD3<Float>], highs: [SIMD3<Float>], centroids: [SIMD3<Float>]
    ) -> Int {
        let extent = centroidHigh - centroidLow
        let axis = extent.x >= extent.y && extent.x >= extent.z ? 0 : (extent.y >= extent.z ? 1 : 2)
        let middle = start + (end - start) / 2
        // All centroids in one point: any split is as good as another.
        guard extent[axis] > 0 else { return middle }
        if depth >= maxSAHDepth {
            // Median along the axis: halves the range, bounding the remaining depth.
            var slice = Array(ids[start..<end])
            slice.sort { a, b in
                let ca = centroids[Int(a)][axis]
                let cb = centroids[Int(b)][axis]
                return ca != cb ? ca < cb : a < b
            }
            ids.replaceSubrange(start..<end, with: slice)
            return middle
        }

        // Binned SAH: bin the centroids, then sweep the planes between bins.
        let scale = Float(binCount) / extent[axis]
        let low = centroidLow[axis]
        func bin(_ t: Int32) -> Int {
            min(Int((centroids[Int(t)][axis] - low) * scale), binCount - 1)
        }
        var binCounts = [Int](repeating: 0, count: binCount)
        var binLo = [SIMD3<Float>](repeating: SIMD3(repeating: .infinity), count: binCount)
        var binHi = [SIMD3<Float>](repeating: SIMD3(repeating: -.infinity), count: binCount)
        for k in start..<end {
            let t = ids[k]
            let b = bin(t)
            binCounts[b] += 1
            binLo[b] = pointwiseMin(binLo[b], lows[Int(t)])
            binHi[b] = pointwiseMax(binHi[b], highs[Int(t)])
        }
        // Left sweep: cost of the bins 0...i; right sweep: of the bins i+1..<binCount.
        var leftCost = [Float](repeating: 0, count: binCount)
        var leftCount = [Int](repeating: 0, count: binCount)
        var runLo = SIMD3<Float>(repeating: .infinity)
        var runHi = SIMD3<Float>(repeating: -.infinity)
        var running = 0
        for i in 0..<binCount {
            running += binCounts[i]
            if binCounts[i] > 0 {
                runLo = pointwiseMin(runLo, binLo[i])
                runHi = pointwiseMax(runHi, binHi[i])
            }
            leftCount[i] = running
            leftCost[i] = running > 0 ? Float(running) * halfArea(runLo, runHi) : 0
        }
        var bestPlane = -1
        var bestCost = Float.infinity
        runLo = SIMD3(repeating: .infinity)
        runHi = SIMD3(repeating: -.infinity)
        running = 0
        for i in stride(from: binCount - 1, to: 0, by: -1) {
            running += binCounts[i]
            if binCounts[i] > 0 {
                runLo = pointwiseMin(runLo, binLo[i])
                runHi = pointwiseMax(runHi, binHi[i])
            }
            // The plane between bin i - 1 and bin i.
            guard running > 0, leftCount[i - 1] > 0 else { continue }
            let cost = leftCost[i - 1] + Float(running) * halfArea(runLo, runHi)
            if cost < bestCost {
                bestCost = cost
                bestPlane = i
            }
        }
        guard bestPlane > 0 else { return middle }

        // Partition in place: bins below the plane first.
        var i = start
        var j = end - 1
        while i <= j {
            if bin(ids[i]) < bestPlane {
                i += 1
            } else {
                ids.swapAt(i, j)
                j -= 1
            }
        }
        return (i > start && i < end) ? i : middle
    }

    private static func halfArea(_ lo: SIMD3<Float>, _ hi: SIMD3<Float>) -> Float {
        let d = hi - lo
        return d.x * d.y + d.y * d.z + d.z * d.x
    }
}
