import Foundation
import Logging
import Renderer
import Replay
import SceneLedger
import ScenecastTestSupport
import Testing

@Suite("Replay against PostgreSQL", .serialized)
struct ReplayIntegrationTests {
    @Test("the summary at a known time: version, counts, participants and roles, driver, selection, state hash")
    func summaryAtKnownTime() async throws {
        let f = try await ReplayFixture.make()
        let selection = try #require(f.events.first { $0.type == "selection.changed" })
        let t = selection.recordedAtMicros
        let prefix = f.events.filter { $0.recordedAtMicros <= t }
        let expected = try SceneState.fold(sceneID: f.scene, prefix)
        let moment = try await f.withStore { store in
            try await ReplayLoader(store: store).moment(session: f.ann, at: AuditTime.iso(t), nowMicros: WallClock.nowMicros())
        }
        let s = moment.summary
        #expect(s.version == prefix.last!.version)
        #expect(s.recordedAtMicros == prefix.last!.recordedAtMicros)
        #expect(s.devices == 3)
        #expect(s.connections == 1)
        #expect(s.participants.map(\.name) == ["Ann Example"])
        #expect(s.participants.map(\.role) == [.driver])
        #expect(s.driver == f.ann)
        #expect(s.selectedDevice?.id == f.devices[1].id)
        #expect(s.selectedDevice?.name == "device 2")
        #expect(s.stateHash == expected.stateHash)
        #expect(moment.camera == expected.participants[f.ann]!.camera)
        #expect(s.json["state_hash"] == .string(Hex.encode(expected.stateHash)))
        #expect(s.json["participants"]?.arrayValue?.first?["driving"] == .bool(true))

        // The same moment as a version and as an offset from the session's start.
        let byVersion = try await f.withStore { store in
            try await ReplayLoader(store: store).moment(session: f.ann, at: "v\(s.version)", nowMicros: WallClock.nowMicros())
        }
        #expect(byVersion.summary == s)
        let offset = t - moment.span.startMicros
        let byOffset = try await f.withStore { store in
            try await ReplayLoader(store: store).moment(session: f.ann, at: "\(offset / 1_000)ms", nowMicros: WallClock.nowMicros())
        }
        #expect(byOffset.summary.version <= s.version)
    }

    @Test("unknown sessions, times outside the session and unparseable times are clear errors")
    func errors() async throws {
        let f = try await ReplayFixture.make()
        try await f.withStore { store in
            let loader = ReplayLoader(store: store)
            for (session, at, code) in [
                (UUID(), "v3", ReplayError.Code.unknownSession), (f.ann, "v1", .outOfRange), (f.ann, "10h", .outOfRange),
                (f.ann, "1999-01-01T00:00:00Z", .outOfRange), (f.ann, "yesterday", .invalidTime),
            ] {
                let error = await #expect(throws: ReplayError.self) {
                    try await loader.moment(session: session, at: at, nowMicros: WallClock.nowMicros())
                }
                #expect(error?.code == code, "\(at)")
            }
        }
    }

    @Test("state at any version or time rebuilt from a snapshot plus its tail equals the full fold")
    func snapshotEqualsFold() async throws {
        let f = try await ReplayFixture.make(extraMoves: 300, snapshotEvery: 40)
        try await f.withStore { store in
            #expect(try await store.snapshot(scene: f.scene) != nil)
            let loader = ReplayLoader(store: store)
            var rng = SplitMix64(seed: 3)
            for i in 0..<40 {
                let event = f.events[Int(rng.next() % UInt64(f.events.count))]
                let target: ReplayTarget = i % 2 == 0 ? .version(event.version) : .time(micros: event.recordedAtMicros)
                let state = try await loader.state(scene: f.scene, at: target)
                let prefix = f.events.filter {
                    if case .version(let v) = target { return $0.version <= v }
                    return $0.recordedAtMicros <= event.recordedAtMicros
                }
                #expect(state.stateHash == (try SceneState.fold(sceneID: f.scene, prefix)).stateHash, "\(target)")
                #expect(state.version == prefix.last!.version)
            }
        }
    }

    @Test("a replayed frame equals the frame rendered live at that version and scene time, pixel for pixel")
    func frameEqualsLive() async throws {
        let f = try await ReplayFixture.make(extraMoves: 30)
        let logger = Logger(label: "replay.tests")
        let (width, height) = (192, 108)
        // Live: one context follows the ledger event by event, drawing a frame every few
        // events as a view would, through Ann's camera.
        let target = try #require(f.events.last { $0.sessionID == f.bob && $0.type == "camera.changed" }).version
        let live = try await GLContext.make(width: width, height: height, logger: logger)
        var projection = RenderProjection(state: SceneState(sceneID: f.scene))
        var liveState = SceneState(sceneID: f.scene)
        for event in f.events where event.version <= target {
            try projection.apply(event)
            try liveState.apply(event)
            if event.version % 5 == 0 || event.version == target {
                try await live.renderScene(
                    liveState, changes: projection.takeChanges(), camera: ReplayLoader.camera(for: f.ann, in: liveState), viewer: f.ann)
            }
        }
        let liveFrame = try await live.readFrameRGBA()
        await live.close()

        let replayed = try await f.withStore { store in
            let state = try await ReplayLoader(store: store).state(scene: f.scene, at: .version(target))
            #expect(state.stateHash == liveState.stateHash)
            return try await ReplayFrame.render(
                state, camera: ReplayLoader.camera(for: f.ann, in: state), viewer: f.ann, width: width, height: height,
                models: ModelLibrary(source: store, logger: logger), logger: logger)
        }
        #expect(replayed.width == liveFrame.width && replayed.height == liveFrame.height)
        let differing = zip(replayed.pixels, liveFrame.bytes).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(replayed.pixels.count) bytes differ")
        // The frame is not blank: the plant is drawn.
        #expect(Set(replayed.pixels).count > 16)
    }
}
