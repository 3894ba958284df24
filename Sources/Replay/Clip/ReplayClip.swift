package import Foundation
package import Logging
package import Renderer
package import SceneLedger

/// Renders an interval of a session as frames at its recorded timing (`ClipPlan`): the
/// state at the start (snapshot plus tail), then, frame by frame, the events recorded up to
/// that frame's scene time, drawn through the session's camera with the session's
/// selection highlighted. Frames are I420, ready for an encoder.
package struct ReplayClip: Sendable {
    package let loader: ReplayLoader
    package let session: SessionInfo
    package let plan: ClipPlan
    package let width: Int
    package let height: Int
    /// Where the frames' models come from.
    package let models: ModelLibrary
    private let logger: Logger

    /// Resolves FROM and TO (TIME text, see `SceneTimeSpec`) in the session; both must lie inside it.
    package static func prepare(
        loader: ReplayLoader, session id: UUID, from: String, to: String, speed: Double, fps: Int,
        width: Int, height: Int, nowMicros: Int64, models: ModelLibrary, logger: Logger
    ) async throws(ReplayError) -> ReplayClip {
        let fromTime = try SceneTimeSpec.replayTime(from)
        let toTime = try SceneTimeSpec.replayTime(to)
        let session = try await loader.session(id)
        let span = SessionSpan(session, nowMicros: nowMicros)
        let start = try await micros(of: span.resolve(fromTime, text: from), scene: session.sceneID, loader: loader)
        let end = try await micros(of: span.resolve(toTime, text: to), scene: session.sceneID, loader: loader)
        let plan = try ClipPlan(fromMicros: start, toMicros: end, speed: speed, fps: fps)
        return ReplayClip(loader: loader, session: session, plan: plan, width: width, height: height, models: models, logger: logger)
    }

    /// The scene time of a target: a version's `recorded_at`, or the time itself.
    static func micros(of target: ReplayTarget, scene: UUID, loader: ReplayLoader) async throws(ReplayError) -> Int64 {
        switch target {
        case .time(let micros): return micros
        case .version(let v):
            let events: [RecordedEvent]
            do { events = try await loader.store.events(scene: scene, afterVersion: v - 1, throughVersion: v, limit: 1) } catch {
                throw ReplayError(.ledger, "Could not read version \(v)", underlying: error)
            }
            guard let event = events.first else { throw ReplayError(.outOfRange, "Version \(v) is not in the ledger") }
            return event.recordedAtMicros
        }
    }

    /// Renders every frame in order and hands each to `body` with its index; stops at the
    /// first error (its own as `ReplayError`, or what `body` throws).
    package func render(_ body: (Frame, Int) async throws -> Void) async throws {
        let store = loader.store
        var projection = RenderProjection(state: try await loader.state(scene: session.sceneID, at: .time(micros: plan.fromMicros)))
        var tail = EventTail(scene: session.sceneID, after: projection.version, through: plan.toMicros)
        await models.prepare(projection.state)
        let context: GLContext
        do { context = try await GLContext.make(width: width, height: height, models: models, logger: logger) } catch {
            throw ReplayError(.render, "Could not start the renderer for the clip", underlying: error)
        }
        do {
            for index in 0..<plan.frameCount {
                let sceneTime = plan.sceneMicros(index)
                var grew = false
                while let event = try await tail.next(upTo: sceneTime, store: store) {
                    do { try projection.apply(event) } catch {
                        throw ReplayError(.ledger, "Could not fold version \(event.version)", underlying: error)
                    }
                    if event.type == "device.added" || event.type == "device.updated" { grew = true }
                }
                if grew { await models.prepare(projection.state) }
                let state = projection.state
                let frame: Frame
                do {
                    try await context.renderScene(
                        state, changes: projection.takeChanges(), camera: ReplayLoader.camera(for: session.id, in: state),
                        viewer: session.id, sceneTimeMicros: sceneTime)
                    frame = try await context.readFrameI420()
                } catch {
                    throw ReplayError(.render, "Could not render clip frame \(index + 1)", underlying: error)
                }
                try await body(frame, index)
            }
            await context.close()
        } catch {
            await context.close()
            throw error
        }
    }
}

/// The events after the start state, read a page at a time and handed out in version order
/// as their `recorded_at` falls due.
private struct EventTail {
    let scene: UUID
    var after: Int64
    let through: Int64
    var page: [RecordedEvent] = []
    var index = 0
    var exhausted = false
    static let pageSize = 2_000

    init(scene: UUID, after: Int64, through: Int64) {
        self.scene = scene
        self.after = after
        self.through = through
    }

    /// The next event recorded at or before `micros`, or nil when none is due yet.
    mutating func next(upTo micros: Int64, store: LedgerStore) async throws(ReplayError) -> RecordedEvent? {
        if index == page.count, !exhausted {
            do {
                page = try await store.events(scene: scene, afterVersion: after, recordedUpToMicros: through, limit: Self.pageSize)
            } catch {
                throw ReplayError(.ledger, "Could not read the clip's events", underlying: error)
            }
            index = 0
            exhausted = page.count < Self.pageSize
            if let last = page.last { after = last.version }
        }
        guard index < page.count, page[index].recordedAtMicros <= micros else { return nil }
        defer { index += 1 }
        return page[index]
    }
}
