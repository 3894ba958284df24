/// Turns a stored model's bytes into the mesh every renderer draws: parsed, then placed on
/// the ground (its footprint centred on the origin, its lowest point at y = 0). The one
/// place that decides how an uploaded file becomes geometry.
enum ModelDecoder {
    static func decode(_ bytes: [UInt8]) throws(RendererError) -> Mesh {
        try STLReader.read(bytes: bytes).placedOnGround()
    }
}
