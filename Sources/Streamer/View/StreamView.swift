package import CommandBus
package import Foundation
package import Logging
package import Renderer
import SceneLedger
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
    let pending = Mutex<[LiveChange]>([])
    /// Frames rendered and pushed to the encoder.
    package let framesRendered = Atomic<Int>(0)
    /// Nanoseconds spent rendering plus reading back, summed over `framesRendered`.
    package let renderNanos = Atomic<Int>(0)
    private let tasks = Mutex<[Task<Void, Never>]>([])
    let logger: Logger

    package init(cameraOwner: UUID, pipeline: ViewPipeline, pacer: FramePacer, logger: Logger) {
        self.cameraOwner = cameraOwner
        self.pipeline = pipeline
        self.pacer = Mutex(pacer)
        var logger = logger
        logger[metadataKey: "view"] = "\(cameraOwner)"
        self.logger = logger
    }

    /// Starts watching `host` and rendering.
    package func start(host: SceneHost) async {
        let changes = await host.watchLive()
        let watch = Task {
            for await change in changes {
                self.pending.withLock { $0.append(change) }
                self.signal.signal()
            }
        }
        let render = Task { await self.renderLoop() }
        tasks.withLock { $0 = [watch, render] }
    }

    /// Stops rendering and the pipeline.
    package func stop() {
        for task in tasks.withLock({ $0 }) { task.cancel() }
        signal.signal()
        pipeline.stop()
    }

    private func renderLoop() async {
        let gl: GLContext
        do {
            gl = try await GLContext.make(width: pipeline.width, height: pipeline.height, logger: logger)
        } catch {
            logger.error("the view's GL context could not start; no video", metadata: ["error": "\(error)"])
            return
        }
        var projection: RenderProjection?
        var reset = true
        var dirty = true
        var lastFrame: UInt64?
        var camera = Camera.default
        let clock = pipeline.clock
        while !Task.isCancelled {
            for change in pending.withLock({ list in defer { list.removeAll() }; return list }) {
                dirty = true
                switch change {
                case .state(let state):
                    projection = RenderProjection(state: state)
                    reset = true
                case .events(let events, let first, let at):
                    for (i, event) in events.enumerated() {
                        projection?.apply(event, version: first + Int64(i), recordedAtMicros: at)
                    }
                }
            }
            guard var current = projection else {
                await signal.wait(nanoseconds: 100_000_000)
                continue
            }
            let now = clock.now()
            let due = pacer.withLock { $0.nextFrame(after: lastFrame, changed: dirty, animating: false) }
            if now < due {
                await signal.wait(nanoseconds: due - now)
                continue
            }
            if let owned = current.state.participants[cameraOwner]?.camera { camera = owned }
            let started = clock.now()
            do {
                if reset {
                    _ = current.takeChanges()
                    try await gl.renderScene(current.state, camera: camera, viewer: cameraOwner)
                } else {
                    try await gl.renderScene(current.state, changes: current.takeChanges(), camera: camera, viewer: cameraOwner)
                }
                let frame = try await gl.readFrameI420()
                pipeline.push(frame)
            } catch {
                logger.error("rendering the view failed; no more video", metadata: ["error": "\(error)"])
                await gl.close()
                return
            }
            projection = current
            reset = false
            dirty = false
            lastFrame = now
            framesRendered.wrappingAdd(1, ordering: .relaxed)
            renderNanos.wrappingAdd(Int(clock.now() - started), ordering: .relaxed)
        }
        await gl.close()
    }
}
