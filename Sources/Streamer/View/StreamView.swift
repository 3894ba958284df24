import CommandBus
package import Foundation
package import Logging
package import Renderer
package import SceneLedger
package import Synchronization

/// One view: a scene drawn through one participant's camera at one size, rendered by its
/// own `GLContext` and encoded once by its `ViewPipeline` for every peer that watches it.
///
/// The render loop runs when the scene changes (capped at the pacer's fps), at the
/// animation rate while the scene animates, and at a keep-alive rate otherwise.
package final class StreamView: Sendable {
    /// The participant whose camera this view shows.
    package let cameraOwner: UUID
    package let pipeline: ViewPipeline
    let pacer: Mutex<FramePacer>
    let signal = FrameSignal()
    /// Callers of `snapshot()` waiting for the next frame.
    let snapshots = SnapshotRequests()
    let pending = Mutex<[CommittedChange]>([])
    /// Frames rendered and pushed to the encoder.
    package let framesRendered = Atomic<Int>(0)
    /// Nanoseconds spent rendering plus reading back, summed over `framesRendered`.
    package let renderNanos = Atomic<Int>(0)
    private let tasks = Mutex<[Task<Void, Never>]>([])
    /// Ends the watch of the view's source.
    private let unwatch = Mutex<(@Sendable () -> Void)?>(nil)
    /// Where the view's models come from; a load that ends wakes the loop (`modelsChanged`)
    /// so the model replaces its placeholder in the next frame.
    let models: ModelLibrary
    private let modelsChanged = Atomic<Bool>(false)
    private let modelWatch = Mutex<ModelLibrary.Observation?>(nil)
    let logger: Logger

    package init(cameraOwner: UUID, pipeline: ViewPipeline, pacer: FramePacer, models: ModelLibrary = .builtinsOnly, logger: Logger) {
        self.cameraOwner = cameraOwner
        self.models = models
        self.pipeline = pipeline
        self.pacer = Mutex(pacer)
        var logger = logger
        logger[metadataKey: "view"] = "\(cameraOwner)"
        self.logger = logger
    }

    /// Starts watching `source` (a live `SceneHost`, or a replay) and rendering.
    package func start(source: some ViewSource) async {
        let unwatch = await source.watchViewChanges { [weak self] change in
            guard let self else { return }
            self.pending.withLock { $0.append(change) }
            self.signal.signal()
        }
        let watch = models.observe { [weak self] in
            guard let self else { return }
            self.modelsChanged.store(true, ordering: .releasing)
            self.signal.signal()
        }
        modelWatch.withLock { $0 = watch }
        let render = Task { await self.renderLoop(source) }
        tasks.withLock { $0 = [render] }
        self.unwatch.withLock { $0 = unwatch }
    }

    /// Stops rendering and the pipeline.
    package func stop() {
        self.unwatch.withLock { $0 }?()
        modelWatch.withLock { $0 }?.cancel()
        for task in tasks.withLock({ $0 }) { task.cancel() }
        snapshots.close()
        signal.signal()
        pipeline.stop()
    }

    private func renderLoop(_ source: some ViewSource) async {
        let gl: GLContext
        do {
            gl = try await GLContext.make(width: pipeline.width, height: pipeline.height, models: models, logger: logger)
        } catch {
            logger.error("the view's GL context could not start; no video", metadata: ["error": "\(error)"])
            return
        }
        var loop = RenderLoopState()
        while !Task.isCancelled {
            loop.take(pending.withLock { list in defer { list.removeAll() }; return list }, owner: cameraOwner)
            guard loop.projection != nil else {
                await signal.wait(nanoseconds: 100_000_000)
                continue
            }
            do {
                try await loop.updateScene(gl, owner: cameraOwner)
            } catch {
                logger.error("updating the view's scene failed; no more video", metadata: ["error": "\(error)"])
                break
            }
            if modelsChanged.exchange(false, ordering: .acquiring), !loop.reset,
                await gl.wouldRedraw(camera: loop.camera, viewer: cameraOwner)
            {
                loop.needsDraw = true
            }
            if snapshots.isRequested { loop.needsDraw = true }
            let clock = pipeline.clock
            let now = clock.now()
            let keepAlive = pacer.withLock { $0.keepAliveInterval }
            if let frame = loop.releaseHeld() ?? loop.keepAliveWhileHeld(now: now, interval: keepAlive) {
                pipeline.push(frame)
                loop.lastSentTime = now
            }
            let animating = await gl.sceneAnimates
            let due = pacer.withLock {
                $0.nextFrame(after: loop.lastFrameTime, lastChangeFrame: loop.lastChangeFrameTime, changed: loop.needsDraw, animating: animating)
            }
            if now < due {
                await signal.wait(nanoseconds: due - now)
                continue
            }
            if !loop.needsDraw && !animating, let frame = loop.lastFrame {
                // Nothing changed: the keep-alive frame is the last one again, not a render.
                pipeline.push(frame)
                loop.lastFrameTime = now
                loop.lastSentTime = now
                continue
            }
            if loop.needsDraw { loop.lastChangeFrameTime = now }
            do {
                if let frame = try await loop.draw(gl, owner: cameraOwner, source: source, now: now, pacer: pacer.withLock { $0 }) {
                    pipeline.push(frame)
                    loop.lastSentTime = now
                }
                try await answerSnapshots(gl, loop)
            } catch {
                logger.error("rendering the view failed; no more video", metadata: ["error": "\(error)"])
                break
            }
            loop.lastFrameTime = now
            framesRendered.wrappingAdd(1, ordering: .relaxed)
            renderNanos.wrappingAdd(Int(clock.now() - now), ordering: .relaxed)
        }
        snapshots.close()
        await gl.close()
    }
}
