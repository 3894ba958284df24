import CommandBus
import Foundation
import Logging
import SceneLedger

/// Observers who follow the driver move with the driver. When a driver reloads (a new
/// participant) or hands the role over, every follower in the scene moves to the new
/// driver's view. While the scene has no driver, followers stay on the last driver's view:
/// its camera stays where the driver left it and the scene goes on updating, so the picture
/// never jumps. A follower that becomes the driver moves to its own camera's view.
extension Streamer {
    /// One scene's watch; `token` tells this watch from a later one of the same scene.
    struct DriverWatch {
        let token: UUID
        let task: Task<Void, Never>
    }

    /// Starts watching `host`'s committed events for driver changes, once per scene; the
    /// watch ends with the scene's last peer (`detach`), with the host (a later attach
    /// starts a new one, for a new host of the scene) or at shutdown (`stopAll`).
    func watchDriver(of host: SceneHost, scene: UUID) {
        guard driverWatches[scene] == nil else { return }
        let token = UUID()
        let task = Task { [weak self] in
            for await change in await host.watchCommitted() {
                guard case .events(let events, _, _) = change, events.contains(where: Self.mayChangeDriver) else { continue }
                guard await self?.refollow(host: host, scene: scene, startViews: false) == true else { continue }
                // A new driver's own view usually starts a moment later, at the driver's size
                // (see `attach`). A driver without video gets one at the follower's size.
                try? await Task.sleep(for: Self.driverViewGrace)
                await self?.refollow(host: host, scene: scene, startViews: true)
            }
            await self?.driverWatchEnded(scene: scene, token: token)
        }
        driverWatches[scene] = DriverWatch(token: token, task: task)
    }

    /// Forgets a watch whose host stopped, unless a newer watch has taken its place.
    private func driverWatchEnded(scene: UUID, token: UUID) {
        if driverWatches[scene]?.token == token { driverWatches[scene] = nil }
    }

    /// How long followers wait for a new driver's own view before one is started for them.
    static let driverViewGrace = Duration.seconds(2)

    /// Whether an event can change who drives.
    static func mayChangeDriver(_ event: SceneEvent) -> Bool {
        switch event {
        case .participantJoined, .participantLeft, .roleChanged: true
        default: false
        }
    }

    /// Moves each follower in `scene` whose view is not the current driver's (none while the
    /// scene has no driver). A follower that has become the driver moves at once; one whose
    /// driver has no view yet moves only with `startViews`, which starts the view at the
    /// follower's size. Returns whether a follower was left waiting for a view.
    @discardableResult
    func refollow(host: SceneHost, scene: UUID, startViews: Bool) async -> Bool {
        let state = await host.liveState
        guard state.driver != nil else { return false }
        let followers = placement.filter { $0.value.key.scene == scene && $0.value.follows }
        var waiting = false
        for (id, place) in followers {
            let owner = Self.followedCamera(in: state, participant: place.participant)
            guard owner != place.key.cameraOwner, let entry = views[place.key], let peer = entry.peers[id] else { continue }
            var key = place.key
            key.cameraOwner = owner
            key.lowRate = false
            if owner != place.participant, views[key] == nil, !startViews {
                waiting = true
                continue
            }
            do {
                try await move(peer, to: key, source: entry.source)
            } catch {
                logger.warning("moving a follower to the new driver's view failed", metadata: ["error": "\(error)"])
            }
        }
        return waiting
    }
}
