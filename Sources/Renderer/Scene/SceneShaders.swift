/// GLSL ES 3.00 sources of the scene renderer.
enum SceneShaders {
    /// Instanced, lit meshes. Per instance: a model matrix (locations 2–5), a colour (6)
    /// and a highlight (7): 1 for the viewer's selection, 2 for someone else's, 3 for the
    /// viewer's hover. Lighting (hemispheric sky/ground ambient plus one directional light)
    /// is computed per vertex: on a CPU rasterizer the fragment shader runs for every pixel,
    /// so it only passes the colour on.
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
        out vec3 vColor;
        const vec3 sky = vec3(0.78, 0.84, 0.95);
        const vec3 ground = vec3(0.36, 0.34, 0.30);
        const vec3 sunDirection = vec3(0.4214, 0.8228, 0.3813);
        void main() {
            mat4 model = mat4(iModel0, iModel1, iModel2, iModel3);
            mat3 linear = mat3(model);
            // Every transform here is translate · rotate · scale, whose inverse transpose on
            // a normal is linear · (n / column lengths squared): exact, and far cheaper on a
            // CPU rasterizer than inverting a matrix per vertex.
            vec3 scaleSquared = vec3(dot(linear[0], linear[0]), dot(linear[1], linear[1]), dot(linear[2], linear[2]));
            vec3 n = normalize(linear * (aNormal / scaleSquared));
            vec3 ambient = mix(ground, sky, 0.5 + 0.5 * n.y);
            float sun = max(dot(n, sunDirection), 0.0);
            vec3 color = iColor.rgb * (0.62 * ambient + 0.58 * sun);
            if (iHighlight > 0.5 && iHighlight < 1.5) {
                color = mix(color, vec3(1.0, 0.82, 0.15), 0.45) + 0.06;
            } else if (iHighlight > 1.5 && iHighlight < 2.5) {
                color = color + 0.12;
            } else if (iHighlight > 2.5) {
                color = mix(color, vec3(1.0), 0.3);
            }
            vColor = min(color, vec3(1.0));
            gl_Position = uViewProjection * (model * vec4(aPosition, 1.0));
        }
        """

    static let meshFragment = """
        #version 300 es
        precision mediump float;
        in vec3 vColor;
        out vec4 outColor;
        void main() {
            outColor = vec4(vColor, 1.0);
        }
        """

    /// Geometry in one colour (the sky wall), placed by `uModel`.
    static let flatVertex = """
        #version 300 es
        layout(location = 0) in vec3 aPosition;
        uniform mat4 uViewProjection;
        uniform mat4 uModel;
        void main() {
            gl_Position = uViewProjection * (uModel * vec4(aPosition, 1.0));
        }
        """

    static let flatFragment = """
        #version 300 es
        precision mediump float;
        uniform vec3 uColor;
        out vec4 outColor;
        void main() {
            outColor = vec4(uColor, 1.0);
        }
        """

    /// Grid lines from `SceneGround.lineMesh` (index, orientation, end), placed `uSpacingReach.x`
    /// apart around `uCentre` and `uSpacingReach.y` long each way; the colour fades into the
    /// ground's between the distances `uFade` from the eye (per pixel: lines cover few).
    static let lineVertex = """
        #version 300 es
        layout(location = 0) in vec3 aPosition;
        uniform mat4 uViewProjection;
        uniform vec3 uCentre;
        uniform vec2 uSpacingReach;
        out vec3 vWorld;
        void main() {
            float across = aPosition.x * uSpacingReach.x;
            float along = aPosition.z * uSpacingReach.y;
            vec3 p = aPosition.y < 0.5 ? vec3(across, 0.0, along) : vec3(along, 0.0, across);
            vWorld = p + uCentre;
            gl_Position = uViewProjection * vec4(vWorld, 1.0);
        }
        """

    static let lineFragment = """
        #version 300 es
        precision highp float;
        in vec3 vWorld;
        uniform vec3 uEye;
        uniform vec2 uFade;
        uniform vec3 uColor;
        uniform vec3 uFadeColor;
        out vec4 outColor;
        void main() {
            float f = smoothstep(uFade.x, uFade.y, distance(vWorld, uEye));
            outColor = vec4(mix(uColor, uFadeColor, f), 1.0);
        }
        """
}
