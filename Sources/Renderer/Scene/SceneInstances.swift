package import Foundation
package import SceneLedger

/// One instanced draw's per-instance data: a model matrix and a colour.
package struct InstanceData: Sendable, Equatable {
    package var model: Matrix4
    package var color: SIMD4<Float>
    /// 0 normal; 1 selected by the viewer; 2 selected by someone else; 3 under the
    /// viewer's pointer (a lighter tint).
    package var highlight: Float
}

/// What the GPU scene draws for one view at one scene time, derived purely from the
/// projected state: device instances grouped by model, connection tubes and arrows, and
/// flow particles whose phase comes from scene time (never the wall clock), so a frame
/// at time T is reproducible.
package struct SceneInstances: Sendable {
    package var devices: [ModelRef: [(id: UUID, data: InstanceData)]] = [:]
    package var tubes: [InstanceData] = []
    package var arrows: [InstanceData] = []
    package var particles: [InstanceData] = []

    /// The highlight value of the device under the viewer's pointer.
    package static let hoverHighlight: Float = 3

    /// Highlight for each device: the viewer's selection first, then others'.
    package static func highlights(in state: SceneState, viewer: UUID?) -> [UUID: (Float, SIMD4<Float>?)] {
        var result: [UUID: (Float, SIMD4<Float>?)] = [:]
        for participant in state.participants.values.sorted(by: { $0.id.precedes($1.id) }) {
            guard let selected = participant.selection else { continue }
            if participant.id == viewer {
                result[selected] = (1, nil)
            } else if result[selected] == nil {
                let palette = SceneStyle.participantColors
                let index = Int(participant.id.uuid.0) % palette.count
                result[selected] = (2, palette[index])
            }
        }
        return result
    }

    /// The instance of one device, in its kind's colour unless `baseColor` (a placeholder's)
    /// replaces it.
    package static func instance(_ device: Device, highlight: (Float, SIMD4<Float>?)?, baseColor: SIMD4<Float>? = nil) -> InstanceData {
        var color = baseColor ?? SceneStyle.color(of: device.kind)
        if let (_, tint) = highlight, let tint { color = color * 0.5 + tint * 0.5 }
        return InstanceData(model: Matrix4.device(device), color: color, highlight: highlight?.0 ?? 0)
    }

    /// A connection's end points in the world: the source's out port and the target's in
    /// port (`SceneStyle.ports`), moved with each device's position, rotation and scale.
    package static func ports(_ c: Connection, in state: SceneState) -> (SIMD3<Float>, SIMD3<Float>)? {
        guard let s = state.devices[c.source], let t = state.devices[c.target] else { return nil }
        return (port(SceneStyle.ports(of: s.kind).out, of: s), port(SceneStyle.ports(of: t.kind).in, of: t))
    }

    /// A model-space point of a device, in the world.
    package static func port(_ offset: SIMD3<Float>, of device: Device) -> SIMD3<Float> {
        let p = Matrix4.device(device).transform(offset)
        return SIMD3(p.x, p.y, p.z)
    }

    /// The tube (a unit cylinder along +Y from 0 to 1) between two points.
    package static func tube(from a: SIMD3<Float>, to b: SIMD3<Float>, radius: Float) -> Matrix4? {
        let axis = b - a
        let length = dot(axis, axis).squareRoot()
        guard length > 1e-4 else { return nil }
        let y = axis / length
        let helper: SIMD3<Float> = abs(y.y) < 0.99 ? SIMD3(0, 1, 0) : SIMD3(1, 0, 0)
        let x = normalize(cross(helper, y))
        let z = cross(x, y)
        return Matrix4.translation(a) * Matrix4.basis(x, y, z) * Matrix4.scale(SIMD3(radius, length, radius))
    }

    /// Flow particle positions along a → b at scene time `t` (microseconds).
    package static func particles(from a: SIMD3<Float>, to b: SIMD3<Float>, sceneTimeMicros t: Int64) -> [SIMD3<Float>] {
        let axis = b - a
        let length = dot(axis, axis).squareRoot()
        guard length > 1e-3 else { return [] }
        let count = max(1, Int(length * SceneStyle.particlesPerMetre))
        // Phase in [0, 1): distance travelled at particleSpeed, in units of the length.
        let seconds = Double(t % 3_600_000_000) / 1e6
        let phase = Float((seconds * Double(SceneStyle.particleSpeed) / Double(length)).truncatingRemainder(dividingBy: 1))
        return (0..<count).map { k in
            let f = (phase + Float(k) / Float(count)).truncatingRemainder(dividingBy: 1)
            return a + axis * f
        }
    }

    /// Everything to draw for `viewer` at the state's scene time (or `sceneTimeMicros`).
    package init(state: SceneState, viewer: UUID?, sceneTimeMicros: Int64? = nil) {
        let highlights = SceneInstances.highlights(in: state, viewer: viewer)
        for device in state.devices.values.sorted(by: { $0.id.precedes($1.id) }) {
            devices[device.model, default: []].append((device.id, SceneInstances.instance(device, highlight: highlights[device.id])))
        }
        (tubes, arrows, particles) = SceneInstances.connections(in: state, sceneTimeMicros: sceneTimeMicros ?? state.sceneTimeMicros)
    }

    /// What connections draw apart from their particles: it changes only with the state.
    package struct ConnectionGeometry: Sendable {
        package var tubes: [InstanceData] = []
        package var arrows: [InstanceData] = []
        /// One segment per direction of flow, with the particles' colour.
        package var flows: [(from: SIMD3<Float>, to: SIMD3<Float>, color: SIMD4<Float>)] = []
    }

    /// The tubes, direction arrows and flow particles of every connection at scene time `time`.
    package static func connections(in state: SceneState, sceneTimeMicros time: Int64)
        -> (tubes: [InstanceData], arrows: [InstanceData], particles: [InstanceData])
    {
        let geometry = connectionGeometry(in: state)
        return (geometry.tubes, geometry.arrows, particles(of: geometry.flows, sceneTimeMicros: time))
    }

    /// Every connection's tube and direction arrows, and its flow segments.
    package static func connectionGeometry(in state: SceneState) -> ConnectionGeometry {
        var geometry = ConnectionGeometry()
        for connection in state.connections.values.sorted(by: { $0.id.precedes($1.id) }) {
            guard let (a, b) = ports(connection, in: state) else { continue }
            let color = SceneStyle.color(of: connection.kind)
            if let m = tube(from: a, to: b, radius: SceneStyle.tubeRadius) {
                geometry.tubes.append(InstanceData(model: m, color: color, highlight: 0))
            }
            let ends: [(SIMD3<Float>, SIMD3<Float>)] =
                switch connection.direction {
                case .forward: [(a, b)]
                case .backward: [(b, a)]
                case .both: [(a, b), (b, a)]
                }
            for (from, to) in ends {
                let axis = normalize(to - from)
                let tip = to - axis * 0.8
                let base = tip - axis * SceneStyle.arrowLength
                if let m = tube(from: base, to: tip, radius: SceneStyle.arrowRadius) {
                    geometry.arrows.append(InstanceData(model: m, color: color, highlight: 0))
                }
                geometry.flows.append((from, to, color * 1.2))
            }
        }
        return geometry
    }

    /// The flow particles along `flows` at scene time `time`.
    package static func particles(
        of flows: [(from: SIMD3<Float>, to: SIMD3<Float>, color: SIMD4<Float>)], sceneTimeMicros time: Int64
    ) -> [InstanceData] {
        var result: [InstanceData] = []
        let r = SceneStyle.particleRadius
        for flow in flows {
            for p in particles(from: flow.from, to: flow.to, sceneTimeMicros: time) {
                result.append(InstanceData(model: Matrix4.translation(p) * Matrix4.scale(SIMD3(r, r, r)), color: flow.color, highlight: 0))
            }
        }
        return result
    }
}
