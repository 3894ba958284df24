import Foundation
import Logging
import Renderer
import SceneLedger
import Testing

/// Golden images, GPU/ledger equivalence and leaks of the scene renderer, on whatever EGL
/// the machine has (llvmpipe in CI).
@Suite("Scene rendering", .serialized)
struct SceneRenderingTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/Golden")
    let viewer = UUID(uuidString: "00000000-0000-4000-8000-0000000000ee")!

    /// A small plant: two devices and a connection both ways, and a participant.
    func plant() -> SceneState {
        var state = SceneState(sceneID: UUID(uuidString: "00000000-0000-4000-8000-000000000001")!)
        let arm = Device(id: UUID(uuidString: "00000000-0000-4000-8000-00000000000a")!, kind: .robotArm, name: "arm", model: .builtin("robot_arm"), position: Vec3(-2, 0, 0))
        let cell = Device(id: UUID(uuidString: "00000000-0000-4000-8000-00000000000b")!, kind: .workCenter, name: "cell", model: .builtin("work_center"), position: Vec3(3, 0, 0), rotation: Vec3(0, 30, 0))
        let events: [SceneEvent] = [
            .deviceAdded(arm), .deviceAdded(cell),
            .connectionCreated(Connection(id: UUID(uuidString: "00000000-0000-4000-8000-0000000000c1")!, source: arm.id, target: cell.id, kind: .material, direction: .both)),
            .participantJoined(participant: viewer, actor: UUID(uuidString: "00000000-0000-4000-8000-0000000000ac")!, role: .driver),
        ]
        for (i, e) in events.enumerated() { state.apply(e, version: Int64(i + 1), recordedAtMicros: 1_000_000) }
        return state
    }

    let camera = Camera(target: Vec3(0.5, 0.8, 0), distance: 11, azimuth: 20, elevation: 25, fov: 50)

    func render(_ state: SceneState, camera: Camera, budget: Int = 400_000, width: Int = 160, height: Int = 120) async throws -> (RGBAImage, RenderStats) {
        // The goldens are antialiased (4x MSAA whatever `auto` would pick on this machine)
        // and drawn at a CPU rasterizer's detail levels (a GPU picks finer ones), so they
        // compare rasterizers, not levels of detail.
        let context = try await GLContext.make(width: width, height: height, samples: 4, logger: Logger(label: "test.render"))
        let stats = try await context.renderScene(state, camera: camera, viewer: viewer, triangleBudget: budget, pixelsPerTriangle: 64)
        let frame = try await context.readFrameRGBA()
        await context.close()
        return (RGBAImage(width: frame.width, height: frame.height, pixels: frame.bytes), stats)
    }

    /// Compares with the committed fixture; SCENECAST_UPDATE_GOLDEN=1 rewrites it.
    func expectGolden(_ image: RGBAImage, _ name: String) throws {
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["SCENECAST_UPDATE_GOLDEN"] == "1" {
            try Data(try PNGCodec.encode(image)).write(to: url)
        }
        let expected = try PNGCodec.decode(Array(try Data(contentsOf: url)))
        let diff = try #require(ImageDiff(image, expected, channelTolerance: 24))
        // Rasterizers differ at edges (antialiasing, rounding): allow a few percent there.
        #expect(diff.within(fraction: 0.04), "\(name): \(diff.differingPixels) of \(diff.totalPixels) pixels differ")
    }

    @Test("lighting, models, connections and the camera match the golden image")
    func goldenPlant() async throws {
        let (image, stats) = try await render(plant(), camera: camera)
        #expect(stats.visibleDevices == 2)
        #expect(stats.culledDevices == 0)
        try expectGolden(image, "plant.png")
    }

    @Test("the viewer's selection is tinted, and matches its golden image")
    func goldenSelection() async throws {
        var state = plant()
        state.apply(.selectionChanged(participant: viewer, device: UUID(uuidString: "00000000-0000-4000-8000-00000000000b")!), version: 5, recordedAtMicros: 1_000_000)
        let (plain, _) = try await render(plant(), camera: camera)
        let (selected, _) = try await render(state, camera: camera)
        let diff = try #require(ImageDiff(plain, selected, channelTolerance: 24))
        #expect(diff.differingPixels > 200, "selecting the cell changes its pixels")
        try expectGolden(selected, "selected.png")
    }

    @Test("far away, levels of detail switch and the budget holds")
    func levelOfDetail() async throws {
        let far = Camera(target: Vec3(0.5, 0.8, 0), distance: 120, azimuth: 20, elevation: 25, fov: 50)
        let (_, near) = try await render(plant(), camera: camera, width: 1280, height: 960)
        let (_, distant) = try await render(plant(), camera: far, width: 1280, height: 960)
        #expect(distant.drawnTriangles < near.drawnTriangles / 4, "coarser levels far away: \(distant.drawnTriangles) vs \(near.drawnTriangles)")
        let (_, tight) = try await render(plant(), camera: camera, budget: near.drawnTriangles / 3, width: 1280, height: 960)
        #expect(tight.budgetLimited)
        #expect(tight.drawnTriangles < near.drawnTriangles)
        let (image, _) = try await render(plant(), camera: far)
        try expectGolden(image, "far.png")
    }

    /// Resident memory of this process in bytes, from /proc/self/statm.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }

    @Test("the scene on the GPU hashes like the ledger's projection, and 2 × 10,000 mutations leak neither GL objects nor memory")
    func equivalenceAndLeaks() async throws {
        let context = try await GLContext.make(width: 64, height: 48, logger: Logger(label: "test.render"))
        var projection = RenderProjection(state: SceneState(sceneID: UUID()))
        var reference = SceneState(sceneID: projection.state.sceneID)
        var rng = SplitMix64(seed: 3)
        let ids = (0..<20).map { _ in UUID() }
        var version: Int64 = 0
        var baseline: Int?
        var connections: [UUID] = []
        func apply(_ e: SceneEvent) {
            version += 1
            projection.apply(e, version: version, recordedAtMicros: version * 1_000)
            reference.apply(e, version: version, recordedAtMicros: version * 1_000)
        }
        apply(.participantJoined(participant: viewer, actor: UUID(), role: .driver))
        for id in ids { apply(.deviceAdded(Device(id: id, kind: .conveyor, name: "c", model: .builtin("conveyor"), position: .zero))) }
        var memoryAfterFirstRound = 0
        for round in 0..<2 {
            for i in 0..<10_000 {
                let id = ids[Int(rng.next() % UInt64(ids.count))]
                switch i % 12 {
                case 0: apply(.deviceRemoved(id: id))
                case 1: apply(.deviceAdded(Device(id: id, kind: .conveyor, name: "c", model: .builtin("conveyor"), position: Vec3(Double(i % 50), 0, 0))))
                case 2:
                    let link = UUID()
                    connections.append(link)
                    apply(.connectionCreated(Connection(id: link, source: id, target: ids[0], kind: .data)))
                case 3: if !connections.isEmpty { apply(.connectionRemoved(id: connections.removeFirst())) }
                case 4: apply(.selectionChanged(participant: viewer, device: id))
                case 5: apply(.pointerMoved(participant: viewer, pointer: Pointer(x: rng.nextUnit(), y: rng.nextUnit())))
                case 6: apply(.latencyProbed(participant: viewer, probe: "p\(i)"))
                default: apply(.deviceMoved(id: id, position: Vec3(Double(i % 37), 0, Double(i % 23))))
                }
                if i % 500 == 499 {
                    try await context.renderScene(projection.state, changes: projection.takeChanges(), camera: camera, viewer: viewer)
                    _ = try await context.readFrameI420()
                    #expect(await context.renderedStateHash == reference.stateHash)
                    #expect(await context.renderedDeviceCount == reference.devices.count)
                    let live = await context.liveObjectCount
                    if let baseline { #expect(live == baseline, "GL objects stay constant") } else { baseline = live }
                }
            }
            if round == 0 { memoryAfterFirstRound = Self.residentBytes() }
        }
        // The second round reuses what the first allocated: resident memory stays put (a few
        // MiB of allocator slack allowed), and so do the GL objects checked above.
        let growth = Self.residentBytes() - memoryAfterFirstRound
        #expect(memoryAfterFirstRound > 0)
        #expect(growth < 8 << 20, "resident memory grew by \(growth >> 10) KiB over 10,000 more mutations")
        await context.close()
        let left = await context.liveObjects.filter { $0.value != 0 }
        #expect(left.isEmpty, "GL objects left after close: \(left)")
    }
}
