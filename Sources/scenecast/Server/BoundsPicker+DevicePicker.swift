import CommandBus
import Renderer
import SceneLedger

/// The command bus owns the picking protocol; the renderer provides the implementations.
extension BoundsPicker: DevicePicker {}
extension MeshPicker: DevicePicker {}

/// Picking BVHs for `device:click`, from the process's `ModelBVHCache` (shared with the
/// views' hover).
///
/// A built-in model's BVH is built in the background on first use (and warmed at start);
/// until it is ready, and for an uploaded model no view has built one for yet, the picker
/// uses the device's box: a scene host never waits.
final class BuiltinModelBVHs: Sendable {
    func bvh(for device: Device) -> TriangleBVH? {
        guard case .builtin(let name) = device.model, let builtin = BuiltinEquipment(rawValue: name) else {
            return ModelBVHCache.shared.ready(device.model)
        }
        return ModelBVHCache.shared.bvh(for: device.model) { builtin.mesh() }
    }

    var picker: MeshPicker {
        MeshPicker { [self] device in bvh(for: device) }
    }
}
