import Foundation
import Logging
import Renderer
import SceneLedger
import Testing

/// Dirty-only rendering: a frame is due only when something it shows changed.
@Suite("Dirty tracking of scene frames", .serialized)
struct DirtyTrackingTests {
    let viewer = UUID(uuidString: "00000000-0000-4000-8000-0000000000ee")!
    let other = UUID(uuidString: "00000000-0000-4000-8000-0000000000ef")!
    let a = UUID(uuidString: "00000000-0000-4000-8000-0000000000a1")!
    let b = UUID(uuidString: "00000000-0000-4000-8000-0000000000b2")!
    let camera = Camera(target: Vec3(2, 0.5, 0), distance: 14, azimuth: 30, elevation: 30, fov: 50)

    func still() -> RenderProjection {
        .folding(
            RenderProjection.twoDevices(a, b) + [
                .participantJoined(participant: viewer, actor: UUID(), role: .driver),
                .participantJoined(participant: other, actor: UUID(), role: .observer),
            ])
    }

    @Test("nothing changed, same camera, viewer and size, nothing moving: no new frame")
    func idle() async throws {
        let context = try await GLContext.make(width: 64, height: 48, samples: 0, logger: Logger(label: "test.dirty"))
        var p = still()
        #expect(await context.wouldRedraw(camera: camera, viewer: viewer), "before the first frame")
        try await context.renderScene(p.state, changes: p.takeChanges(), camera: camera, viewer: viewer)
        #expect(await context.sceneAnimates == false)
        #expect(await context.wouldRedraw(camera: camera, viewer: viewer) == false)

        // Another camera, viewer or size does need a frame.
        var turned = camera
        turned.azimuth += 5
        #expect(await context.wouldRedraw(camera: turned, viewer: viewer))
        #expect(await context.wouldRedraw(camera: camera, viewer: other))
        try await context.resize(width: 80, height: 48)
        #expect(await context.wouldRedraw(camera: camera, viewer: viewer))
        try await context.renderScene(p.state, changes: p.takeChanges(), camera: camera, viewer: viewer)
        #expect(await context.wouldRedraw(camera: camera, viewer: viewer) == false)

        // Another participant's camera does not show in this view; a pending move would.
        p.apply(.cameraChanged(participant: other, camera: turned), version: 5, recordedAtMicros: 5_000)
        let cameraOnly = p.takeChanges()
        #expect(await context.wouldRedraw(camera: camera, viewer: viewer, pendingChanges: cameraOnly) == false)
        try await context.updateScene(p.state, changes: cameraOnly, viewer: viewer)
        #expect(await context.wouldRedraw(camera: camera, viewer: viewer) == false)
        p.apply(.deviceMoved(id: a, position: Vec3(0, 0, 1)), version: 6, recordedAtMicros: 6_000)
        let move = p.takeChanges()
        #expect(await context.wouldRedraw(camera: camera, viewer: viewer, pendingChanges: move))
        await context.close()
    }

    @Test("each kind of visible change makes the next frame due, once")
    func changes() async throws {
        let context = try await GLContext.make(width: 64, height: 48, samples: 0, logger: Logger(label: "test.dirty"))
        var p = still()
        try await context.renderScene(p.state, changes: p.takeChanges(), camera: camera, viewer: viewer)
        let events: [SceneEvent] = [
            .deviceMoved(id: a, position: Vec3(0, 0, 2)),
            .selectionChanged(participant: viewer, device: b),
            .selectionChanged(participant: other, device: a),
            .latencyProbed(participant: viewer, probe: "x"),
            .deviceRemoved(id: b),
        ]
        var version = p.version
        for event in events {
            version += 1
            p.apply(event, version: version, recordedAtMicros: version * 1_000)
            try await context.updateScene(p.state, changes: p.takeChanges(), viewer: viewer)
            #expect(await context.wouldRedraw(camera: camera, viewer: viewer), "after \(event.type)")
            try await context.renderScene(p.state, changes: p.takeChanges(), camera: camera, viewer: viewer)
            #expect(await context.wouldRedraw(camera: camera, viewer: viewer) == false, "after drawing \(event.type)")
        }
        await context.close()
    }

    @Test("visible flow particles animate; out of view they do not")
    func animation() async throws {
        // Big enough that particles are several pixels across (smaller ones are not drawn).
        let context = try await GLContext.make(width: 320, height: 240, samples: 0, logger: Logger(label: "test.dirty"))
        var p = still()
        p.apply(.connectionCreated(Connection(id: UUID(), source: a, target: b, kind: .material)), version: 5, recordedAtMicros: 5_000)
        try await context.renderScene(p.state, changes: p.takeChanges(), camera: camera, viewer: viewer)
        #expect(await context.sceneAnimates)
        #expect(await context.wouldRedraw(camera: camera, viewer: viewer))
        // Looking away from the plant: nothing on screen moves.
        let away = Camera(target: Vec3(500, 0, 500), distance: 5, azimuth: 30, elevation: 30, fov: 50)
        let stats = try await context.renderScene(p.state, changes: [], camera: away, viewer: viewer)
        #expect(stats.visibleParticles == 0)
        #expect(await context.sceneAnimates == false)
        #expect(await context.wouldRedraw(camera: away, viewer: viewer) == false)
        await context.close()
    }
}
