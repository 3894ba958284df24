import CEGL

/// One flow particle to draw: where it is and its flow's colour.
struct Particle: Equatable {
    var center: SIMD3<Float>
    var color: SIMD4<Float>
}

/// Flow particles drawn as one batch of small diamonds facing the eye.
///
/// A view of the demo plant shows over a thousand particles, redrawn every animated frame,
/// and only a few pixels across each. As instanced octahedra (8 triangles each) they cost
/// more than the rest of an animated frame on a CPU rasterizer, whose vertex work and
/// triangle setup run on one thread: 1.4–2.2 ms of about 3.7 ms at 1280×720 for 1,394
/// particles. A diamond is two triangles. The CPU places its four corners in the world,
/// turned to the eye, with normals bent outwards so lighting still rounds it, and one draw
/// call covers them all, through the mesh program with its instance attributes held
/// constant: an identity model matrix and no highlight.
///
/// Not `Sendable`: owned by `GPUScene`, on the GL thread; its `GLVertexArray` deletes its objects.
final class ParticleBatch {
    /// A diamond's corners (right, up, left, down) and its two triangles.
    static let cornerCount = 4
    static let triangles: [UInt32] = [0, 1, 2, 0, 2, 3]
    static let triangleCount = triangles.count / 3
    /// Corners lie this far from the centre, in particle radii: the diamond then covers
    /// about the area of the particle's disc (its area is 2 r², the disc's π r²).
    static let reach: Float = 1.25
    /// Floats per vertex: position, normal, colour.
    private static let vertexFloats = 10

    private let arrays: GLVertexArray
    /// Particles the index buffer holds indices for.
    private var indexCapacity = 0

    init(counter: GLObjectCounter) {
        arrays = GLVertexArray(counter: counter)
        let stride = GLsizei(Self.vertexFloats * 4)
        glEnableVertexAttribArray(0)
        glVertexAttribPointer(0, 3, GLenum(GL_FLOAT), GLboolean(GL_FALSE), stride, nil)
        glEnableVertexAttribArray(1)
        glVertexAttribPointer(1, 3, GLenum(GL_FLOAT), GLboolean(GL_FALSE), stride, UnsafeRawPointer(bitPattern: 12))
        // The colour is per vertex here; the model matrix (2–5) and highlight (7) stay
        // disabled arrays, read from the constant values `draw` sets.
        glEnableVertexAttribArray(6)
        glVertexAttribPointer(6, 4, GLenum(GL_FLOAT), GLboolean(GL_FALSE), stride, UnsafeRawPointer(bitPattern: 24))
        glBindVertexArray(0)
        glBindBuffer(GLenum(GL_ARRAY_BUFFER), 0)
    }

    /// Draws `particles` as diamonds of `radius` facing the eye of `vp`, with the mesh
    /// program, already in use with the frame's view-projection.
    func draw(_ particles: [Particle], radius: Float, _ vp: ViewProjection) {
        guard !particles.isEmpty else { return }
        // The view's right and up directions in the world: the rows of its rotation.
        let v = vp.view.m
        let right = SIMD3(v[0], v[4], v[8])
        let up = SIMD3(v[1], v[5], v[9])
        let directions = [right, up, -right, -up]
        let count = particles.count * Self.cornerCount * Self.vertexFloats
        let vertices = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            var i = 0
            for particle in particles {
                let c = particle.color
                let toEye = vp.eye - particle.center
                let facing = toEye / max(dot(toEye, toEye).squareRoot(), 1e-6)
                for direction in directions {
                    let p = particle.center + direction * (radius * Self.reach)
                    let n = normalize(direction * 0.6 + facing * 0.8)
                    buffer[i] = p.x; buffer[i + 1] = p.y; buffer[i + 2] = p.z
                    buffer[i + 3] = n.x; buffer[i + 4] = n.y; buffer[i + 5] = n.z
                    buffer[i + 6] = c.x; buffer[i + 7] = c.y; buffer[i + 8] = c.z; buffer[i + 9] = c.w
                    i += Self.vertexFloats
                }
            }
            initialized = i
        }
        glBindVertexArray(arrays.vertexArray)
        glBindBuffer(GLenum(GL_ARRAY_BUFFER), arrays.vertexBuffer)
        glBufferData(GLenum(GL_ARRAY_BUFFER), vertices.count * 4, vertices, GLenum(GL_STREAM_DRAW))
        if particles.count > indexCapacity { growIndices(to: particles.count) }
        glVertexAttrib4f(2, 1, 0, 0, 0)
        glVertexAttrib4f(3, 0, 1, 0, 0)
        glVertexAttrib4f(4, 0, 0, 1, 0)
        glVertexAttrib4f(5, 0, 0, 0, 1)
        glVertexAttrib1f(7, 0)
        glDrawElements(GLenum(GL_TRIANGLES), GLsizei(particles.count * Self.triangles.count), GLenum(GL_UNSIGNED_INT), nil)
        glBindVertexArray(0)
        glBindBuffer(GLenum(GL_ARRAY_BUFFER), 0)
    }

    /// Indices for at least `count` particles (the vertex array is bound), with room to grow.
    private func growIndices(to count: Int) {
        let capacity = max(count, indexCapacity * 2, 256)
        var indices = [UInt32]()
        indices.reserveCapacity(capacity * Self.triangles.count)
        for particle in 0..<capacity {
            let base = UInt32(particle * Self.cornerCount)
            for index in Self.triangles { indices.append(base + index) }
        }
        glBufferData(GLenum(GL_ELEMENT_ARRAY_BUFFER), indices.count * 4, indices, GLenum(GL_STATIC_DRAW))
        indexCapacity = capacity
    }
}
