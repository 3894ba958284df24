import CEGL

/// A vertex array object with its vertex and index buffers: the one owner of the three
/// names, deleted together in `deinit`. Created and deleted on the GL thread (owned by a
/// `GPUMesh` or the `ParticleBatch`, inside `GLContext`).
final class GLVertexArray {
    private(set) var vertexArray: GLuint = 0
    private(set) var vertexBuffer: GLuint = 0
    private(set) var indexBuffer: GLuint = 0
    private let counter: GLObjectCounter

    /// Generates the names and leaves the vertex array bound, with its vertex buffer bound
    /// to `GL_ARRAY_BUFFER` and its index buffer to `GL_ELEMENT_ARRAY_BUFFER`, to describe
    /// the attributes.
    init(counter: GLObjectCounter) {
        self.counter = counter
        glGenVertexArrays(1, &vertexArray)
        counter.created(.vertexArray)
        glGenBuffers(1, &vertexBuffer)
        glGenBuffers(1, &indexBuffer)
        counter.created(.buffer, 2)
        glBindVertexArray(vertexArray)
        glBindBuffer(GLenum(GL_ARRAY_BUFFER), vertexBuffer)
        glBindBuffer(GLenum(GL_ELEMENT_ARRAY_BUFFER), indexBuffer)
    }

    deinit {
        glDeleteVertexArrays(1, &vertexArray)
        counter.deleted(.vertexArray)
        var buffers = [vertexBuffer, indexBuffer]
        glDeleteBuffers(2, &buffers)
        counter.deleted(.buffer, 2)
    }
}
