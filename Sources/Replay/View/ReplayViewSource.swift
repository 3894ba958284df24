package import Foundation
package import SceneLedger
import Synchronization

/// A replay of one session as a `ViewSource`: a `ReplayController` driven by the ledger.
/// A seek or step back sends the state at the target (snapshot plus tail, `ReplayLoader`);
/// a step forward or playback sends the events as they fall due; frames are drawn at the
/// playhead's scene time. It only reads the ledger. Control messages go to `handle`, and
/// each answer (`replay:state` or `replay:error`) goes to `reply`. While playing, states
/// are throttled by the controller (`ReplayStateThrottle`); answers to control messages
/// and the session's end always go out at once.
package actor ReplayViewSource: ViewSource {
    package let loader: ReplayLoader
    package let session: SessionInfo
    private var controller: ReplayController
    private var state: SceneState?
    private var continuations: [UUID: AsyncStream<CommittedChange>.Continuation] = [:]
    private var tickTask: Task<Void, Never>?
    /// Sends the newest held-back playback state when the throttle's interval is over.
    private var flushTask: Task<Void, Never>?
    private var sentMarks = false
    /// The playhead, for frames; written only inside this actor.
    private let playhead: Mutex<Int64>
    private let reply: @Sendable (JSONValue) -> Void

    /// Opens a replay of `sessionID` at its first version, with the recorded times of its
    /// events, sampled by version to `ReplayController.maxMarks`, as timeline marks.
    package static func open(loader: ReplayLoader, session sessionID: UUID, reply: @escaping @Sendable (JSONValue) -> Void) async throws(ReplayError)
        -> ReplayViewSource
    {
        let session = try await loader.session(sessionID)
        let span = SessionSpan(session, nowMicros: WallClock.nowMicros())
        var times: [Int64] = []
        do {
            times = try await loader.store.eventTimes(
                scene: session.sceneID, fromVersion: span.firstVersion, throughVersion: span.lastVersion, count: ReplayController.maxMarks)
        } catch {
            throw ReplayError(.ledger, "Could not read the session's events", underlying: error)
        }
        let source = ReplayViewSource(loader: loader, session: session, controller: ReplayController(span: span, eventTimesMicros: times), reply: reply)
        await source.perform([.loadState(.version(span.firstVersion))], cause: .control)
        return source
    }

    private init(loader: ReplayLoader, session: SessionInfo, controller: ReplayController, reply: @escaping @Sendable (JSONValue) -> Void) {
        self.loader = loader
        self.session = session
        self.controller = controller
        self.playhead = Mutex(controller.span.startMicros)
        self.reply = reply
    }

    package func viewChanges() -> AsyncStream<CommittedChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: CommittedChange.self)
        if let state { continuation.yield(.state(state)) }
        let id = UUID()
        continuations[id] = continuation
        continuation.onTermination = { _ in Task { await self.forget(id) } }
        return stream
    }

    package nonisolated func frameSceneTimeMicros(stateMicros: Int64) -> Int64 { max(stateMicros, playhead.withLock { $0 }) }

    /// One control message (its JSON); the answer goes to `reply`.
    package func handle(_ message: JSONValue) async {
        do {
            let control = try ReplayControl.decode(message)
            await perform(try controller.handle(control, nowNanos: Self.now()), cause: .control)
        } catch {
            reply(ReplayController.errorMessage(error))
        }
    }

    /// Stops playback and ends every change stream.
    package func close() {
        tickTask?.cancel()
        flushTask?.cancel()
        for continuation in continuations.values { continuation.finish() }
        continuations.removeAll()
    }

    package var currentState: JSONValue { controller.stateMessage(nowNanos: Self.now(), includeMarks: false) }

    private func forget(_ id: UUID) { continuations.removeValue(forKey: id) }

    private func perform(_ actions: [ReplayCursor.Action], cause: ReplayStateThrottle.Cause) async {
        var pending = actions
        var cause = cause
        while !pending.isEmpty {
            let action = pending.removeFirst()
            do {
                switch action {
                case .loadState(let target):
                    let loaded = try await loader.state(scene: session.sceneID, at: target)
                    state = loaded
                    broadcast(.state(loaded))
                    pending += try await reportLoaded()
                case .applyThroughVersion(let through):
                    pending += try await apply(try await events(throughVersion: through))
                case .applyThroughTime(let micros):
                    pending += try await apply(try await events(throughMicros: micros))
                case .scheduleTick(let nanos):
                    tickTask?.cancel()
                    tickTask = Task {
                        try? await Task.sleep(nanoseconds: nanos)
                        guard !Task.isCancelled else { return }
                        await self.tick()
                    }
                case .cancelTick:
                    tickTask?.cancel()
                    tickTask = nil
                case .ended:
                    if cause == .playback { cause = .ended }
                }
            } catch {
                reply(ReplayController.errorMessage(error))
                return
            }
        }
        let now = Self.now()
        playhead.withLock { $0 = controller.cursor.playhead(at: now) }
        switch controller.stateDecision(after: cause, nowNanos: now) {
        case .send:
            flushTask?.cancel()
            flushTask = nil
            sendState(nowNanos: now)
        case .flushAfter(let nanos):
            flushTask = Task {
                try? await Task.sleep(nanoseconds: nanos)
                guard !Task.isCancelled else { return }
                self.flush()
            }
        case .held:
            break
        }
    }

    private func sendState(nowNanos: UInt64) {
        reply(controller.stateMessage(nowNanos: nowNanos, includeMarks: !sentMarks))
        sentMarks = true
    }

    private func flush() {
        flushTask = nil
        let now = Self.now()
        guard controller.flushState(nowNanos: now) else { return }
        playhead.withLock { $0 = controller.cursor.playhead(at: now) }
        sendState(nowNanos: now)
    }

    private func tick() async { await perform(controller.tick(nowNanos: Self.now()), cause: .playback) }

    private func events(throughVersion v: Int64) async throws(ReplayError) -> [RecordedEvent] {
        guard let state, v > state.version else { return [] }
        do { return try await loader.store.events(scene: session.sceneID, afterVersion: state.version, throughVersion: v) } catch {
            throw ReplayError(.ledger, "Could not read the session's events", underlying: error)
        }
    }

    private func events(throughMicros micros: Int64) async throws(ReplayError) -> [RecordedEvent] {
        guard let state else { return [] }
        let through = min(micros, controller.span.endMicros)
        do {
            return try await loader.store.events(scene: session.sceneID, afterVersion: state.version, recordedUpToMicros: through)
                .filter { $0.version <= controller.span.lastVersion }
        } catch {
            throw ReplayError(.ledger, "Could not read the session's events", underlying: error)
        }
    }

    /// Folds events into the state, sends them on, and tells the cursor.
    private func apply(_ events: [RecordedEvent]) async throws(ReplayError) -> [ReplayCursor.Action] {
        guard var current = state else { return [] }
        for event in events {
            let decoded: SceneEvent
            do { decoded = try event.decodedEvent() } catch {
                throw ReplayError(.ledger, "Could not fold version \(event.version)", underlying: error)
            }
            current.apply(decoded, version: event.version, recordedAtMicros: event.recordedAtMicros)
            broadcast(.events([decoded], firstVersion: event.version, recordedAtMicros: event.recordedAtMicros))
        }
        state = current
        return try await reportLoaded()
    }

    private func reportLoaded() async throws(ReplayError) -> [ReplayCursor.Action] {
        guard let state else { return [] }
        let next: Int64?
        do {
            next = try await loader.store.events(scene: session.sceneID, afterVersion: state.version, limit: 1).first
                .flatMap { $0.version <= controller.span.lastVersion ? $0.recordedAtMicros : nil }
        } catch {
            throw ReplayError(.ledger, "Could not read the session's events", underlying: error)
        }
        return controller.loaded(version: state.version, sceneTimeMicros: state.sceneTimeMicros, nextEventMicros: next, nowNanos: Self.now())
    }

    private func broadcast(_ change: CommittedChange) {
        for continuation in continuations.values { continuation.yield(change) }
    }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
