extension Mesh {
    /// The mesh moved so that it stands on y = 0 and is centred on x = z = 0: the local
    /// convention of every model the renderer draws (the built-ins are made that way;
    /// uploaded CAD files come with arbitrary origins).
    package func placedOnGround() -> Mesh {
        let offset = SIMD3<Float>(bounds.center.x, bounds.min.y, bounds.center.z)
        var moved = self
        for v in 0..<vertexCount {
            moved.positions[v * 3] -= offset.x
            moved.positions[v * 3 + 1] -= offset.y
            moved.positions[v * 3 + 2] -= offset.z
        }
        moved.bounds = Bounds(min: bounds.min - offset, max: bounds.max - offset)
        return moved
    }
}
