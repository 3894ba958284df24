import Foundation
import SceneLedger

/// Hover: the device under the viewer's pointer (`Participant.pointer`, normalized view
/// coordinates with the origin top left) gets a lighter tint in the viewer's view.
///
/// The pointer is picked per frame, through the frame's own camera and size, with
/// `MeshPicker` against the models' full-resolution triangles. A pointer move is not a
/// `RenderChange`: the state carries the pointer, and the next frame (or `wouldRedraw`)
/// picks again. Only the entries of the device that loses the hover and the one that
/// gains it are rebuilt.
extension GPUScene {
    /// The device under the viewer's pointer seen through `camera` in a `width`×`height`
    /// frame, if any.
    func hoverTarget(camera: Camera, width: Int, height: Int) -> UUID? {
        guard let viewer, let pointer = state.participants[viewer]?.pointer, !state.devices.isEmpty,
            (0...1).contains(pointer.x), (0...1).contains(pointer.y)
        else { return nil }
        let bvhs = pickingBVHs()
        let picker = MeshPicker { device in bvhs[device.model] }
        return picker.pick(
            state: state, camera: camera, x: pointer.x * Double(width), y: pointer.y * Double(height), width: width, height: height)
    }

    /// Moves the hover tint to `target`.
    func setHover(_ target: UUID?) {
        guard target != hovered else { return }
        let previous = hovered
        hovered = target
        let highlights = SceneInstances.highlights(in: state, viewer: viewer)
        for id in [previous, target].compactMap({ $0 }) { refreshEntry(id, highlights: highlights) }
    }

    /// The BVH of every model the devices use, from the `ModelLibrary`. A model whose BVH
    /// is still being built (in the background: a debug build takes seconds) has none yet,
    /// nor has a placeholder, so the pointer hovers the device's box for now; the GL thread
    /// never waits.
    private func pickingBVHs() -> [ModelRef: TriangleBVH] {
        var result: [ModelRef: TriangleBVH] = [:]
        for entry in devices.values where result[entry.model] == nil {
            let source = model(entry.model).source
            if source.placeholder == nil { result[entry.model] = source.bvh() }
        }
        return result
    }
}
