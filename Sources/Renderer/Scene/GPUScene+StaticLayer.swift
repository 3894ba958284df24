import CEGL
import Foundation

/// The still part of an animated frame, kept for the frames after it.
///
/// While flows animate and nothing else changes, each frame differs from the last only in
/// its flow particles: devices, tubes, arrows and the ground stay where they were. The
/// first such frame copies its colour and depth, before the particles, into this layer;
/// the frames after it copy the layer back and draw only the particles on top. On a CPU
/// rasterizer that turns a whole scene's vertex and fragment work into one copy.
///
/// A change whose pixels can be bounded (`SceneDamage`: an edited, selected or hovered
/// device, its connections) patches the layer: only those pixels are drawn again, into
/// the layer, and the frame is made from it. The probe marker lies over the layer and
/// leaves it valid. Another camera, size or budget, or a change too large to bound, draws
/// the frame whole, and it is never saved: camera motion, where every frame differs, never
/// pays for a copy. Any whole frame leaves the layer invalid until the next animation-only
/// frame saves it again. Only single-sample framebuffers (the CPU rasterizer's) keep a layer.
///
/// Not `Sendable`: owned by `GPUScene`, on the GL thread.
final class StaticLayer {
    /// What the saved image depends on besides the scene content.
    struct Key: Equatable {
        var view: GPUScene.DrawnView
        var triangleBudget: Int
        var pixelsPerTriangle: Double
    }

    /// The frame's statistics without its particles, and the device triangles drawn: a later
    /// frame may use the layer only while its particles leave room for those triangles, or
    /// the triangle budget would have chosen other levels.
    struct Saved {
        var key: Key
        var stats: RenderStats
        var deviceTriangles: Int
    }

    let framebuffer: GLFramebuffer
    private(set) var saved: Saved?

    init(like target: GLFramebuffer, counter: GLObjectCounter) throws(RendererError) {
        framebuffer = try GLFramebuffer(width: target.width, height: target.height, samples: target.samples, counter: counter)
    }

    func matches(_ target: GLFramebuffer) -> Bool {
        framebuffer.width == target.width && framebuffer.height == target.height && framebuffer.samples == target.samples
    }

    /// The saved layer for `key`, if its device levels still fit `deviceBudget`.
    func usable(for key: Key, deviceBudget: Int) -> Saved? {
        guard let saved, saved.key == key, !saved.stats.budgetLimited, saved.deviceTriangles <= deviceBudget else { return nil }
        return saved
    }

    /// Copies what `target` holds now into the layer, and binds `target` for drawing again.
    func save(from target: GLFramebuffer, _ saved: Saved) {
        target.copyDrawn(to: framebuffer)
        target.bindForDrawing()
        self.saved = saved
    }

    /// Records that the layer was patched in place to show `saved`.
    func replace(_ saved: Saved) {
        self.saved = saved
    }

    /// Copies the layer into `target`, bound for drawing after.
    func restore(into target: GLFramebuffer) {
        framebuffer.copyDrawn(to: target)
    }

    /// Copies the layer's pixels inside `rect` into the same pixels of `target`.
    func restore(_ rect: PixelRect, into target: GLFramebuffer) {
        framebuffer.copyDrawn(to: target, x: rect.minX..<rect.maxX, y: rect.minY..<rect.maxY)
    }

    func invalidate() {
        saved = nil
    }
}

extension GPUScene {
    /// The layer to save this frame's still part into, or nil when the frame should not be
    /// saved: only a frame that animates, with the content, view and budget of the frame
    /// before it (so the next frame is likely the same again). Any other frame leaves
    /// the layer invalid, and a frame without moving particles frees its buffers.
    func layerToSave(for key: StaticLayer.Key, target: GLFramebuffer, animates: Bool, changed: Bool) throws(RendererError) -> StaticLayer? {
        guard animates else {
            staticLayer = nil
            return nil
        }
        // OpenGL ES cannot copy into a multisampled framebuffer; and where MSAA is on (a
        // GPU, `GLInfo.autoSamples`), drawing the scene again costs little anyway.
        guard !changed, lastFrameKey == key, target.samples == 0 else {
            staticLayer?.invalidate()
            return nil
        }
        if let layer = staticLayer, layer.matches(target) { return layer }
        staticLayer = nil
        let layer = try StaticLayer(like: target, counter: counter)
        staticLayer = layer
        return layer
    }
}
