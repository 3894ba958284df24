/// When a view renders its next frame. Pure: times are nanoseconds on the view's clock.
///
/// - A change (input, another participant's edit) renders at once, never sooner than
///   `1/maxFPS` after the last frame drawn for a change; animation and keep-alive frames
///   never hold it back, so a committed input reaches the encoder without waiting for
///   the next tick.
/// - While the scene animates, frames come every `1/animationFPS`, and the flows move in
///   steps of that interval: a change frame drawn soon after a step shows them where the
///   step left them (`animationStepInterval`), so it differs from the frame before only
///   where the change is, and encodes and decodes as a small one.
/// - Otherwise a keep-alive frame every `1/keepAliveFPS`, so decoders and congestion
///   control keep going.
package struct FramePacer: Sendable, Equatable {
    package var maxFPS: Int
    package var animationFPS: Int
    package var keepAliveFPS: Int
    /// The rates asked for at start; `limit(to:)` never goes above them.
    private let configured: (max: Int, animation: Int)

    package init(maxFPS: Int = 60, animationFPS: Int = 30, keepAliveFPS: Int = 2) {
        self.maxFPS = max(1, maxFPS)
        self.animationFPS = max(1, min(animationFPS, self.maxFPS))
        self.keepAliveFPS = max(1, min(keepAliveFPS, self.maxFPS))
        configured = (self.maxFPS, self.animationFPS)
    }

    package static func == (a: FramePacer, b: FramePacer) -> Bool {
        (a.maxFPS, a.animationFPS, a.keepAliveFPS) == (b.maxFPS, b.animationFPS, b.keepAliveFPS)
    }

    package var minimumInterval: UInt64 { 1_000_000_000 / UInt64(maxFPS) }
    /// The time between keep-alive frames.
    package var keepAliveInterval: UInt64 { 1_000_000_000 / UInt64(keepAliveFPS) }
    /// The time between animation frames.
    package var animationInterval: UInt64 { 1_000_000_000 / UInt64(animationFPS) }
    /// A frame drawn at least this long after the last animation step takes a new one (the
    /// flows move); sooner, it draws them at that step's scene time. Half a change interval
    /// short of the animation interval, so under continuous input at the cap every other
    /// change frame steps, and timer jitter never skips a step.
    package var animationStepInterval: UInt64 { animationInterval - minimumInterval / 2 }

    /// The time of the next frame after one rendered at `lastFrame` (nil: none yet);
    /// `lastChangeFrame` is when the last frame drawn for a change was (nil: none yet).
    ///
    /// Change frames are spaced by `1/maxFPS` among themselves; an animation frame comes
    /// only after a whole animation interval without any frame. So under continuous input
    /// the rate is `maxFPS` (the change frames take the animation steps), and an animated
    /// scene never delays a change by up to one interval.
    package func nextFrame(after lastFrame: UInt64?, lastChangeFrame: UInt64? = nil, changed: Bool, animating: Bool) -> UInt64 {
        guard let lastFrame else { return 0 }
        if changed {
            guard let lastChangeFrame else { return 0 }
            return lastChangeFrame &+ minimumInterval
        }
        return lastFrame &+ (animating ? animationInterval : keepAliveInterval)
    }

    /// Whether a frame drawn at `now` moves the flows on from the step taken at
    /// `lastAnimationStep` (nil: none yet).
    package func takesAnimationStep(at now: UInt64, lastAnimationStep: UInt64?) -> Bool {
        guard let lastAnimationStep else { return true }
        return now &- lastAnimationStep >= animationStepInterval
    }

    /// Lowers the rate when bandwidth stays low (fps before resolution): the cap becomes
    /// `fps`, at least the keep-alive rate.
    /// A later, higher `fps` restores the rates up to those configured.
    package mutating func limit(to fps: Int) {
        maxFPS = max(keepAliveFPS, min(fps, configured.max))
        animationFPS = min(configured.animation, maxFPS)
    }
}
