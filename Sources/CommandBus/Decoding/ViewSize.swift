/// The pixel size of the view a participant looks at: what the plan's pixel coordinates
/// (`device:click`'s `screenX` and `screenY`) refer to.
///
/// It is the size the participant's join asked for (`width`, `height`), before the server
/// scales its video to fit 1920×1080: a client's own pixels, whatever size it is streamed
/// at. A join that names no size gets 1280×720, the video size such a join is streamed at.
package struct ViewSize: Equatable, Sendable, CustomStringConvertible {
    package var width: Int
    package var height: Int

    /// 1280×720: the view of a join that names no size.
    package static let standard = ViewSize(width: 1280, height: 720)

    /// Each dimension is kept within `CommandLimits.viewSize`.
    package init(width: Int, height: Int) {
        let sizes = CommandLimits.viewSize
        self.width = min(max(width, sizes.lowerBound), sizes.upperBound)
        self.height = min(max(height, sizes.lowerBound), sizes.upperBound)
    }

    /// The view of a join with these `width` and `height` fields; one left out takes the
    /// standard size's.
    package init(joinWidth: Int?, joinHeight: Int?) {
        self.init(width: joinWidth ?? Self.standard.width, height: joinHeight ?? Self.standard.height)
    }

    package var description: String { "\(width)×\(height)" }
}
