/// GLSL ES 3.00 sources of the scene renderer.
enum SceneShaders {
    /// Instanced, lit meshes. Per instance: a model matrix (locations 2–5), a colour (6)
    /// and a highlight (7): 1 for the viewer's selection, 2 for someone else's.
    static let meshVertex = """
        #version 300 es
        layout(location = 0) in vec3 aPosition;
        layout(location = 1) in vec3 aNormal;
        layout(location = 2) in vec4 iModel0;
        layout(location = 3) in vec4 iModel1;
        layout(location = 4) in vec4 iModel2;
        layout(location = 5) in vec4 iModel3;
        layout(location = 6) in vec4 iColor;
        layout(location = 7) in float iHighlight;
        uniform mat4 uViewProjection;
        out vec3 vNormal;
        out vec4 vColor;
        out float vHighlight;
        void main() {
            mat4 model = mat4(iModel0, iModel1, iModel2, iModel3);
            mat3 linear = mat3(model);
            // Every transform here is translate · rotate · scale, whose inverse transpose on
            // a normal is linear · (n / column lengths squared): exact, and far cheaper on a
            // CPU rasterizer than inverting a matrix per vertex.
            vec3 scaleSquared = vec3(dot(linear[0], linear[0]), dot(linear[1], linear[1]), dot(linear[2], linear[2]));
            vNormal = linear * (aNormal / scaleSquared);
            vColor = iColor;
            vHighlight = iHighlight;
            gl_Position = uViewProjection * (model * vec4(aPosition, 1.0));
        }
        """

    /// Hemispheric sky/ground ambient plus one directional light; selections glow.
    static let meshFragment = """
        #version 300 es
        precision mediump float;
        in vec3 vNormal;
        in vec4 vColor;
        in float vHighlight;
        out vec4 outColor;
        const vec3 sky = vec3(0.78, 0.84, 0.95);
        const vec3 ground = vec3(0.36, 0.34, 0.30);
        const vec3 sunDirection = vec3(0.42, 0.82, 0.38);
        void main() {
            vec3 n = normalize(vNormal);
            vec3 ambient = mix(ground, sky, 0.5 + 0.5 * n.y);
            float sun = max(dot(n, normalize(sunDirection)), 0.0);
            vec3 color = vColor.rgb * (0.62 * ambient + 0.58 * sun);
            if (vHighlight > 0.5 && vHighlight < 1.5) {
                color = mix(color, vec3(1.0, 0.82, 0.15), 0.45) + 0.06;
            } else if (vHighlight > 1.5) {
                color = color + 0.12;
            }
            outColor = vec4(min(color, vec3(1.0)), 1.0);
        }
        """

    /// The ground: a large quad at y = 0 with metre and five-metre grid lines.
    static let gridVertex = """
        #version 300 es
        layout(location = 0) in vec3 aPosition;
        uniform mat4 uViewProjection;
        uniform float uExtent;
        out vec2 vGround;
        void main() {
            vec3 p = aPosition * uExtent;
            vGround = p.xz;
            gl_Position = uViewProjection * vec4(p, 1.0);
        }
        """

    static let gridFragment = """
        #version 300 es
        precision highp float;
        in vec2 vGround;
        out vec4 outColor;
        float lines(vec2 p, float spacing) {
            vec2 g = abs(fract(p / spacing - 0.5) - 0.5) / fwidth(p / spacing);
            return 1.0 - min(min(g.x, g.y), 1.0);
        }
        void main() {
            vec3 base = vec3(0.80, 0.82, 0.84);
            float minor = lines(vGround, 1.0);
            float major = lines(vGround, 5.0);
            vec3 color = mix(base, vec3(0.66, 0.69, 0.73), minor * 0.6);
            color = mix(color, vec3(0.52, 0.55, 0.60), major * 0.8);
            outColor = vec4(color, 1.0);
        }
        """
}
