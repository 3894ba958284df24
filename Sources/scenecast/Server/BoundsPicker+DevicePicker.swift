import CommandBus
import Renderer

/// The command bus owns the picking protocol; the renderer provides the implementation.
extension BoundsPicker: DevicePicker {}
