import CommandBus
import Renderer
import SceneLedger
import Synchronization

/// The command bus owns the picking protocol; the renderer provides the implementations.
extension BoundsPicker: DevicePicker {}
extension MeshPicker: DevicePicker {}

/// BVHs over the built-in models' full-resolution triangles, shared by every scene host.
///
/// Building them takes a moment, so the first click starts the build in the background
/// and picks by the devices' boxes until each model is ready: a scene host never waits.
/// Uploaded models are picked by their boxes for now.
final class BuiltinModelBVHs: Sendable {
    private struct State {
        var ready: [String: TriangleBVH] = [:]
        var building = false
    }

    private let state = Mutex(State())

    func bvh(for device: Device) -> TriangleBVH? {
        guard case .builtin(let name) = device.model else { return nil }
        let (bvh, start) = state.withLock { s -> (TriangleBVH?, Bool) in
            if let ready = s.ready[name] { return (ready, false) }
            defer { s.building = true }
            return (nil, !s.building)
        }
        if start {
            Task.detached(priority: .background) { [self] in
                for builtin in BuiltinEquipment.allCases {
                    let built = TriangleBVH(mesh: builtin.mesh())
                    state.withLock { $0.ready[builtin.rawValue] = built }
                }
            }
        }
        return bvh
    }

    var picker: MeshPicker {
        MeshPicker { [self] device in bvh(for: device) }
    }
}
