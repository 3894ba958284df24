/// The bounds the input protocol enforces. Values outside them are rejected with
/// `out_of_range` (or `too_large` for the message size), never clamped.
package enum CommandLimits {
    /// Largest accepted message, in bytes; checked before parsing.
    package static let maxMessageBytes = 65_536
    /// Largest magnitude of a position or camera-target component, metres.
    package static let maxCoordinate = 100_000.0
    /// Allowed range of every scale component.
    package static let scaleRange: ClosedRange<Double> = 0.001...1_000
    /// Largest magnitude of a rotation component, degrees.
    package static let maxRotation = 3_600.0
    /// Allowed length of a device name, in characters.
    package static let nameLength: ClosedRange<Int> = 1...200
    /// Largest canonical JSON size of a device's metadata object, in bytes.
    package static let maxMetadataBytes = 4_096
    /// Timestamps are integers in `0..<2^53` (milliseconds since the Unix epoch).
    package static let timestampRange: ClosedRange<Int64> = 0...9_007_199_254_740_991
    /// Largest magnitude of an orbit delta, degrees.
    package static let maxOrbitDelta = 3_600.0
    /// Largest magnitude of a pan delta, in view heights.
    package static let maxPanDelta = 100.0
    /// Zoom factors lie in `(0, maxZoomFactor]`.
    package static let maxZoomFactor = 100.0
    /// Allowed length of a latency probe id, in characters.
    package static let probeIDLength: ClosedRange<Int> = 1...64
    /// Allowed width and height, in pixels, of the view a click's coordinates refer to.
    package static let viewSize: ClosedRange<Int> = 1...16_384
    /// Names of the models in the built-in equipment library.
    package static let builtinModels: Set<String> = ["work_center", "robot_arm", "conveyor", "storage", "agv"]
}
