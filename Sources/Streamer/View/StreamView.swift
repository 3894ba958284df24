import CommandBus
package import Foundation
package import Logging
package import Renderer
package import SceneLedger
package import Synchronization

/// One view: a scene drawn through one participant's camera at one size, rendered by its
/// own `GLContext` and encoded once by its `ViewPipeline` for every peer that watches it.
///
/// A failed GL context or render rebuilds the view (`ViewRebuildPolicy`): the pipeline and
/// its peers stay, and a new context draws the source's state afresh.
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
    /// Scene changes the view has taken from its source (each can make a frame).
    package let changesTaken = Atomic<Int>(0)
    /// Render failures (GL context or render) and rebuilds after them, over the view's life.
    package let failures = Atomic<Int>(0)
    package let rebuilds = Atomic<Int>(0)
    private let injectedRenderFaults = Atomic<Int>(0)
    private let injectedContextFaults = Atomic<Int>(0)
    private let stopped = Atomic<Bool>(false)
    /// Which watch of the source the view listens to; a rebuild starts a new one.
    private let watchGeneration = Atomic<Int>(0)
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
        await watch(source)
        let watch = models.observe { [weak self] in
            guard let self else { return }
            self.modelsChanged.store(true, ordering: .releasing)
            self.signal.signal()
        }
        modelWatch.withLock { $0 = watch }
        let render = Task { await self.run(source) }
        tasks.withLock { $0 = [render] }
    }

    /// Stops rendering and the pipeline.
    package func stop() {
        stopped.store(true, ordering: .sequentiallyConsistent)
        self.unwatch.withLock { $0 }?()
        modelWatch.withLock { $0 }?.cancel()
        for task in tasks.withLock({ $0 }) { task.cancel() }
        snapshots.close()
        signal.signal()
        pipeline.stop()
    }

    /// Watches `source` afresh: it sends its whole state first. Changes a previous watch
    /// still delivers are dropped.
    private func watch(_ source: some ViewSource) async {
        let generation = watchGeneration.add(1, ordering: .sequentiallyConsistent).newValue
        pending.withLock { $0.removeAll() }
        let unwatch = await source.watchViewChanges { [weak self] change in
            guard let self, self.watchGeneration.load(ordering: .sequentiallyConsistent) == generation else { return }
            self.pending.withLock { $0.append(change) }
            self.signal.signal()
        }
        self.unwatch.withLock { $0 = unwatch }
        // A stop that came while the watch started has ended the previous one only.
        if stopped.load(ordering: .sequentiallyConsistent) { unwatch() }
    }

    /// Test hook (package-only, never an option of `serve`): the next `renders` renders and
    /// `contextStarts` GL context starts of this view fail, as a lost GPU or a driver fault
    /// would, so tests can watch the view rebuild.
    package func injectFaults(renders: Int = 0, contextStarts: Int = 0) {
        injectedRenderFaults.add(renders, ordering: .relaxed)
        injectedContextFaults.add(contextStarts, ordering: .relaxed)
    }

    private static func takeFault(_ counter: borrowing Atomic<Int>, _ what: String) throws(RendererError) {
        var current = counter.load(ordering: .relaxed)
        while current > 0 {
            let (exchanged, original) = counter.compareExchange(expected: current, desired: current - 1, ordering: .relaxed)
            if exchanged { throw RendererError(.init("injected_fault"), "\(what) failed on purpose (a test's injected fault)") }
            current = original
        }
    }

    /// Renders until cancelled. A failed GL context or render rebuilds the view: after a
    /// wait (`ViewRebuildPolicy`) while the last frame keeps the encoder and the peers fed,
    /// it watches the source afresh (its whole state) and draws it with a new GL context.
    /// The pipeline, and so every peer connection, stays.
    private func run(_ source: some ViewSource) async {
        // A rebuild keeps waiting snapshots for the next context's first frame.
        defer { snapshots.close() }
        var policy = ViewRebuildPolicy()
        var lastFrame: Frame?
        while !Task.isCancelled {
            guard let failure = await renderLoop(source, policy: &policy, lastFrame: &lastFrame), !Task.isCancelled else { return }
            let retry = policy.failed(at: pipeline.clock.now())
            failures.wrappingAdd(1, ordering: .relaxed)
            logger.error(
                "\(failure.what) failed; rebuilding the view",
                metadata: [
                    "error": "\(failure.cause)", "attempt": "\(retry.attempt)",
                    "retryInSeconds": "\(Double(retry.delay) / 1e9)",
                ])
            await keepAlive(lastFrame, until: retry.at)
            guard !Task.isCancelled else { return }
            let old = unwatch.withLock { current in defer { current = nil }; return current }
            old?()
            await watch(source)
            rebuilds.wrappingAdd(1, ordering: .relaxed)
        }
    }

    /// Sends `frame` again at the keep-alive rate until `deadline` (or a stop).
    private func keepAlive(_ frame: Frame?, until deadline: UInt64) async {
        while !Task.isCancelled {
            let now = pipeline.clock.now()
            guard now < deadline else { return }
            if let frame { pipeline.push(frame) }
            try? await Task.sleep(nanoseconds: min(deadline - now, pacer.withLock { $0.keepAliveInterval }))
        }
    }

    /// Why a render loop ended: which step failed, and its error.
    private struct Failure {
        var what: String
        var cause: String
    }

    /// One GL context's life: renders until cancelled (nil) or until the context or a
    /// render fails (the failure). `lastFrame` is the last frame sent.
    private func renderLoop(_ source: some ViewSource, policy: inout ViewRebuildPolicy, lastFrame: inout Frame?) async -> Failure? {
        let gl: GLContext
        do {
            try Self.takeFault(injectedContextFaults, "Starting the view's GL context")
            gl = try await GLContext.make(width: pipeline.width, height: pipeline.height, models: models, logger: logger)
        } catch {
            return Failure(what: "starting the view's GL context", cause: "\(error)")
        }
        policy.started(at: pipeline.clock.now())
        var loop = RenderLoopState()
        var failure: Failure?
        while !Task.isCancelled {
            let changes = pending.withLock { list in defer { list.removeAll() }; return list }
            if !changes.isEmpty { changesTaken.wrappingAdd(changes.count, ordering: .relaxed) }
            loop.take(changes, owner: cameraOwner)
            guard loop.projection != nil else {
                await signal.wait(nanoseconds: 100_000_000)
                continue
            }
            do {
                try await loop.updateScene(gl, owner: cameraOwner)
            } catch {
                failure = Failure(what: "updating the view's scene", cause: "\(error)")
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
                lastFrame = frame
            }
            let animating = loop.animates
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
                try Self.takeFault(injectedRenderFaults, "Rendering the view")
                if let frame = try await loop.draw(gl, owner: cameraOwner, source: source, now: now, pacer: pacer.withLock { $0 }) {
                    pipeline.push(frame)
                    loop.lastSentTime = now
                    lastFrame = frame
                }
                try await answerSnapshots(gl, loop)
            } catch {
                failure = Failure(what: "rendering the view", cause: "\(error)")
                break
            }
            loop.lastFrameTime = now
            framesRendered.wrappingAdd(1, ordering: .relaxed)
            renderNanos.wrappingAdd(Int(clock.now() - now), ordering: .relaxed)
            if policy.rendered(at: clock.now()) {
                logger.info("the rebuilt view has rendered without failing for 30 s; the next failure waits 0.5 s again")
            }
        }
        await gl.close()
        return failure
    }
}
