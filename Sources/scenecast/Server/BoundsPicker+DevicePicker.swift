import CommandBus
import Renderer
import SceneLedger

/// The command bus owns the picking protocol; the renderer provides the implementations.
extension BoundsPicker: DevicePicker {}
extension MeshPicker: DevicePicker {}

/// Picking for `device:click` against the models the views draw, from the process's
/// `ModelLibrary` (shared with the views' hover).
///
/// A model's BVH is built in the background on first use (built-ins are warmed at start,
/// uploads get theirs as they load); until it is ready, and for a placeholder, the picker
/// uses the device's box: a scene host never waits.
struct LibraryPicking: Sendable {
    let models: ModelLibrary

    func bvh(for device: Device) -> TriangleBVH? {
        let model = models.model(device.model)
        return model.placeholder == nil ? model.bvh() : nil
    }

    var picker: MeshPicker {
        MeshPicker { device in bvh(for: device) }
    }
}
