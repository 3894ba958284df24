package import SceneLedger

/// How `serve` records views: where segments go, their container and length, whether every
/// view records from its start (`--record`; a failed recording then starts again, see
/// `RecordingBackoff`), and the index that
/// records the segments (`RecordingIndex`).
package struct RecordingSettings: Sendable {
    /// `<data-dir>/recordings`; a view's segments go under `<scene>/<view>/`.
    package var directory: String
    package var format: RecordingFormat
    package var segmentSeconds: Int
    package var always: Bool
    package var index: any RecordingIndex
    /// The restart state of the views' recordings under `always` (shared, locked).
    package let restarts: RecordingRestarts

    package init(
        directory: String, format: RecordingFormat = .mp4, segmentSeconds: Int = 60, always: Bool, index: any RecordingIndex,
        restartPolicy: RecordingBackoff = RecordingBackoff()
    ) {
        self.directory = directory
        self.format = format
        self.segmentSeconds = segmentSeconds
        self.always = always
        self.index = index
        self.restarts = RecordingRestarts(policy: restartPolicy)
    }
}
