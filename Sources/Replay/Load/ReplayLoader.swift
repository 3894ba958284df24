package import Foundation
package import SceneLedger

/// Rebuilds a moment of a session from the ledger: the state at a version or time (the
/// newest snapshot at or before it plus the events after it), and the camera the session
/// saw it through.
package struct ReplayLoader: Sendable {
    package let store: LedgerStore

    package init(store: LedgerStore) { self.store = store }

    /// A moment of a session, resolved and loaded.
    package struct Moment: Sendable {
        package var session: SessionInfo
        package var span: SessionSpan
        package var target: ReplayTarget
        package var state: SceneState
        /// The session's camera then, or a camera framing the plant if it was not present.
        package var camera: Camera
        package var summary: ReplaySummary
    }

    /// The session with this id, or a clear error.
    package func session(_ id: UUID) async throws(ReplayError) -> SessionInfo {
        let found: SessionInfo?
        do { found = try await store.session(id) } catch {
            throw ReplayError(.ledger, "Could not look up session \(id.lowercasedString)", underlying: error)
        }
        guard let found else {
            throw ReplayError(.unknownSession, "Session \(id.lowercasedString) does not exist; give a session id from the scene's events or its sessions table (an audit export shows them)")
        }
        return found
    }

    /// Resolves TIME (TIME text, see `SceneTimeSpec`) in the session and loads the state there.
    package func moment(session id: UUID, at text: String, nowMicros: Int64) async throws(ReplayError) -> Moment {
        let time = try SceneTimeSpec.replayTime(text)
        let session = try await session(id)
        let span = SessionSpan(session, nowMicros: nowMicros)
        let target = try span.resolve(time, text: text)
        let state = try await state(scene: session.sceneID, at: target)
        var identities: [UUID: ActorIdentity] = [:]
        do { identities = try await store.identities(Set(state.participants.values.map(\.actor))) } catch {
            throw ReplayError(.ledger, "Could not read the participants' identities", underlying: error)
        }
        return Moment(
            session: session, span: span, target: target, state: state, camera: Self.camera(for: id, in: state),
            summary: ReplaySummary(state: state, session: id, identities: identities))
    }

    /// The state at a target: the newest snapshot at or before it plus the events after it.
    package func state(scene: UUID, at target: ReplayTarget) async throws(ReplayError) -> SceneState {
        do {
            switch target {
            case .version(let v): return try await store.state(scene: scene, atVersion: v)
            case .time(let micros): return try await store.state(scene: scene, atTimeMicros: micros)
            }
        } catch {
            throw ReplayError(.ledger, "Could not rebuild scene \(scene.lowercasedString) at \(target)", underlying: error)
        }
    }

    /// The participant's camera, or one that frames the whole plant from above.
    package static func camera(for session: UUID, in state: SceneState) -> Camera {
        if let camera = state.participants[session]?.camera { return camera }
        guard !state.devices.isEmpty else { return .default }
        let xs = state.devices.values.map(\.position.x)
        let zs = state.devices.values.map(\.position.z)
        let center = Vec3((xs.min()! + xs.max()!) / 2, 0, (zs.min()! + zs.max()!) / 2)
        let extent = state.devices.values.map { max(abs($0.position.x - center.x), abs($0.position.z - center.z)) }.max() ?? 10
        return Camera(target: center, distance: max(8, extent * 1.25 + 4), azimuth: 35, elevation: 35, fov: 50)
    }
}
