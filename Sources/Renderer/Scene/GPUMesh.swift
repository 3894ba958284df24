import CEGL

/// One mesh on the GPU: a vertex array with interleaved positions and normals, indices,
/// and instance attributes read from the scene's shared instance buffer. Created and
/// deleted on the GL thread (owned by `GPUScene`, inside `GLContext`).
final class GPUMesh {
    let triangleCount: Int
    /// `GL_TRIANGLES`, or `GL_LINES` for a mesh whose indices pair up into lines.
    private let primitive: GLenum
    private let arrays: GLVertexArray
    private let indexCount: GLsizei

    init(_ mesh: Mesh, lines: Bool = false, counter: GLObjectCounter) {
        primitive = GLenum(lines ? GL_LINES : GL_TRIANGLES)
        triangleCount = lines ? 0 : mesh.triangleCount
        indexCount = GLsizei(mesh.indices.count)
        var interleaved = [Float](repeating: 0, count: mesh.vertexCount * 6)
        for v in 0..<mesh.vertexCount {
            for k in 0..<3 {
                interleaved[v * 6 + k] = mesh.positions[v * 3 + k]
                interleaved[v * 6 + 3 + k] = mesh.normals[v * 3 + k]
            }
        }
        arrays = GLVertexArray(counter: counter)
        glBufferData(GLenum(GL_ARRAY_BUFFER), interleaved.count * 4, interleaved, GLenum(GL_STATIC_DRAW))
        glEnableVertexAttribArray(0)
        glVertexAttribPointer(0, 3, GLenum(GL_FLOAT), GLboolean(GL_FALSE), 24, nil)
        glEnableVertexAttribArray(1)
        glVertexAttribPointer(1, 3, GLenum(GL_FLOAT), GLboolean(GL_FALSE), 24, UnsafeRawPointer(bitPattern: 12))
        glBufferData(GLenum(GL_ELEMENT_ARRAY_BUFFER), mesh.indices.count * 4, mesh.indices, GLenum(GL_STATIC_DRAW))
        for location in GLuint(2)...7 {
            glEnableVertexAttribArray(location)
            glVertexAttribDivisor(location, 1)
        }
        glBindVertexArray(0)
    }

    /// Bytes per instance in the instance buffer: a mat4, a colour and a highlight.
    static let instanceStride = 21 * 4

    /// Draws `count` instances whose data starts at `offset` bytes in `instances`, using the
    /// first `indexCount` indices (all by default).
    func draw(instances: GLuint, offset: Int, count: Int, indexCount: Int? = nil) {
        guard count > 0 else { return }
        glBindVertexArray(arrays.vertexArray)
        glBindBuffer(GLenum(GL_ARRAY_BUFFER), instances)
        let stride = GLsizei(GPUMesh.instanceStride)
        for column in 0..<4 {
            glVertexAttribPointer(
                GLuint(2 + column), 4, GLenum(GL_FLOAT), GLboolean(GL_FALSE), stride,
                UnsafeRawPointer(bitPattern: offset + column * 16)
            )
        }
        glVertexAttribPointer(6, 4, GLenum(GL_FLOAT), GLboolean(GL_FALSE), stride, UnsafeRawPointer(bitPattern: offset + 64))
        glVertexAttribPointer(7, 1, GLenum(GL_FLOAT), GLboolean(GL_FALSE), stride, UnsafeRawPointer(bitPattern: offset + 80))
        let drawn = indexCount.map { GLsizei(min($0, Int(self.indexCount))) } ?? self.indexCount
        glDrawElementsInstanced(primitive, drawn, GLenum(GL_UNSIGNED_INT), nil, GLsizei(count))
        glBindVertexArray(0)
    }
}

extension InstanceData {
    /// Appends this instance in the instance buffer's layout.
    func append(to out: inout [Float]) {
        out += model.m
        out += [color.x, color.y, color.z, color.w, highlight]
    }
}
