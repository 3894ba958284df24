package import Foundation
package import SceneLedger

/// Finds the device under a pixel, as a participant's camera sees the scene.
/// The Renderer implements it; the dispatcher uses it for `device:click` by coordinates.
package protocol DevicePicker: Sendable {
    /// The device visible at pixel (`x`, `y`) of a `width` × `height` view (origin top
    /// left), or `nil` for empty space.
    func pick(state: SceneState, camera: Camera, x: Double, y: Double, width: Int, height: Int) -> UUID?
}
