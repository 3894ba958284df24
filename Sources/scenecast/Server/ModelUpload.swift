import Crypto
import Foundation
import Hummingbird
import Logging
import NIOCore
import Renderer
import SceneLedger

/// `POST /api/models` and `GET /api/models`: uploading CAD models (STL) into the ledger's
/// content-addressed model store. Bytes go into PostgreSQL; clients only ever see metadata.
struct ModelUpload: Sendable {
    let store: LedgerStore
    let maxBytes: Int
    let logger: Logger

    /// Streams the body into a temporary file while hashing it, validates it as STL,
    /// stores it under its SHA-256 and answers with its record.
    func upload(_ request: Request, name: String) async throws -> Response {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("scenecast-upload-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: temp.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: temp) }
        let handle = try FileHandle(forWritingTo: temp)
        var hasher = SHA256()
        var size = 0
        do {
            for try await buffer in request.body {
                size += buffer.readableBytes
                if size > maxBytes {
                    try? handle.close()
                    return Self.error(
                        .contentTooLarge, code: "too_large",
                        "The model is larger than the \(maxBytes / (1 << 20)) MiB limit; reduce it or raise --max-model-mb."
                    )
                }
                let bytes = Array(buffer.readableBytesView)
                hasher.update(data: bytes)
                try handle.write(contentsOf: bytes)
            }
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        guard size > 0 else { return Self.error(.badRequest, code: "stl_empty", "The upload is empty; send the STL file as the request body.") }
        let mesh: Mesh
        do {
            mesh = try STLReader.read(path: temp.path, maxBytes: maxBytes)
        } catch {
            return Self.error(.unprocessableContent, code: error.code.rawValue, "\(name): \(error.message)")
        }
        let sha = Hex.encode(hasher.finalize())
        let info = try await store.putModel(file: temp, sha256: sha, format: "stl", name: name, triangles: Int64(mesh.triangleCount))
        logger.info("model stored", metadata: ["sha256": "\(sha)", "bytes": "\(size)", "triangles": "\(mesh.triangleCount)"])
        return Self.json(.created, Self.json(info))
    }

    func list() async throws -> Response {
        let models = try await store.listModels()
        return Self.json(.ok, ["models": .array(models.map(Self.json))])
    }

    static func json(_ info: ModelInfo) -> JSONValue {
        [
            "sha256": .string(info.sha256), "format": .string(info.format), "name": .string(info.name),
            "sizeBytes": .number(Double(info.sizeBytes)), "triangles": .number(Double(info.triangles)),
            "model": ["asset": .string(info.sha256)],
        ]
    }

    static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: body.canonicalBytes))
        )
    }

    static func error(_ status: HTTPResponse.Status, code: String, _ message: String) -> Response {
        json(status, ["error": ["code": .string(code), "message": .string(message)]])
    }
}
