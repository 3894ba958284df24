import Foundation
import Logging
import Renderer
import SceneLedger
import Synchronization
import Testing

/// Models in memory, counting how often each is read.
private final class MemorySource: ModelSource {
    struct Missing: Error {}
    let models: [String: [UInt8]]
    let reads = Mutex<[String: Int]>([:])
    init(_ models: [String: [UInt8]]) { self.models = models }

    func modelBytes(_ sha256: String) async throws -> [UInt8] {
        reads.withLock { $0[sha256, default: 0] += 1 }
        guard let bytes = models[sha256] else { throw Missing() }
        return bytes
    }

    func readCount(_ sha: String) -> Int { reads.withLock { $0[sha] ?? 0 } }
}

/// A source whose reads wait until `release()`: a test sees the loading placeholder for
/// certain, however fast the read would be.
private final class GatedSource: ModelSource {
    let inner: MemorySource
    private let gate = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    init(_ inner: MemorySource) { self.inner = inner }

    func release() {
        let waiters = gate.withLock { g in
            g.open = true
            defer { g.waiters = [] }
            return g.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func modelBytes(_ sha256: String) async throws -> [UInt8] {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let go = gate.withLock { g -> Bool in
                if g.open { return true }
                g.waiters.append(c)
                return false
            }
            if go { c.resume() }
        }
        return try await inner.modelBytes(sha256)
    }
}

/// A closed binary STL box from `low` to `high`.
private func stlBox(_ low: SIMD3<Float>, _ high: SIMD3<Float>) -> [UInt8] {
    let mesh = TestMeshes.box(low, high)
    var out = [UInt8](repeating: 0x20, count: 80)
    withUnsafeBytes(of: UInt32(mesh.triangleCount).littleEndian) { out += $0 }
    for t in 0..<mesh.triangleCount {
        var values: [Float] = [0, 0, 0]
        for k in 0..<3 {
            let v = Int(mesh.indices[t * 3 + k])
            values += mesh.positions[v * 3..<v * 3 + 3]
        }
        for x in values { withUnsafeBytes(of: x.bitPattern.littleEndian) { out += $0 } }
        out += [0, 0]
    }
    return out
}

private let logger = Logger(label: "test.models")
private let boxSHA = String(repeating: "a", count: 64)
private let bigSHA = String(repeating: "b", count: 64)
private let brokenSHA = String(repeating: "c", count: 64)
private let missingSHA = String(repeating: "d", count: 64)

@Suite("The model library every renderer shares")
struct ModelLibraryTests {
    private let source = MemorySource([
        boxSHA: stlBox(SIMD3(4, 5, 6), SIMD3(6, 8, 10)),
        bigSHA: stlBox(SIMD3(0, 0, 0), SIMD3(1, 1, 1)),
        brokenSHA: Array("solid nothing\n this is not STL".utf8),
    ])

    @Test("an upload is read once however many ask at once, placed on the ground, and the same object after")
    func loadsOnce() async throws {
        let library = ModelLibrary(source: source, logger: logger)
        let generation = library.generation.load(ordering: .relaxed)
        let first = library.model(.asset(boxSHA))
        #expect(first.placeholder == .loading)
        let loaded = await withTaskGroup(of: LoadedModel.self) { group in
            for _ in 0..<8 { group.addTask { await library.load(.asset(boxSHA)) } }
            return await group.reduce(into: [LoadedModel]()) { $0.append($1) }
        }
        #expect(source.readCount(boxSHA) == 1)
        let model = try #require(loaded.first)
        #expect(loaded.allSatisfy { $0 === model })
        #expect(model.placeholder == nil)
        #expect(model.full.triangleCount == 12)
        // Placed on the ground: the footprint centred on the origin, the lowest point at 0.
        #expect(model.full.bounds.min == SIMD3(-1, 0, -2))
        #expect(model.full.bounds.max == SIMD3(1, 3, 2))
        #expect(model.hasBVH)
        #expect(library.model(.asset(boxSHA)) === model)
        #expect(library.generation.load(ordering: .relaxed) > generation)
        let usage = library.usage
        #expect(usage.ready == 1 && usage.loading == 0 && usage.failed == 0)
        #expect(usage.bytesHeld == model.byteCost && usage.loadsStarted == 1)
    }

    @Test("a file that does not parse is the failed placeholder, with the reader's reason, and is not read again")
    func brokenFile() async throws {
        let library = ModelLibrary(source: source, logger: logger)
        let failed = await library.load(.asset(brokenSHA))
        guard case .failed(let reason)? = failed.placeholder else {
            Issue.record("expected a failed placeholder, got \(String(describing: failed.placeholder))")
            return
        }
        #expect(reason.contains("stl_"))
        #expect(failed.placeholderColor == LoadedModel.failedColor)
        #expect(library.model(.asset(brokenSHA)) === failed)
        _ = await library.load(.asset(brokenSHA))
        #expect(source.readCount(brokenSHA) == 1)
        #expect(library.usage.failed == 1)
    }

    @Test("a model the store cannot give fails as model_unavailable; with no store at all, too")
    func unavailable() async throws {
        let library = ModelLibrary(source: source, logger: logger)
        let missing = await library.load(.asset(missingSHA))
        guard case .failed(let reason)? = missing.placeholder else {
            Issue.record("expected a failed placeholder")
            return
        }
        #expect(reason.contains("model_unavailable"))
        // Within the retry interval a lookup does not read again.
        _ = library.model(.asset(missingSHA))
        #expect(source.readCount(missingSHA) == 1)

        let noStore = await ModelLibrary(source: nil, logger: logger).load(.asset(boxSHA))
        #expect(noStore.placeholderColor == LoadedModel.failedColor)
    }

    @Test("past the memory budget the least recently used model is let go, and loads again when asked for")
    func evicts() async throws {
        let one = await ModelLibrary(source: source, logger: logger).load(.asset(boxSHA)).byteCost
        let library = ModelLibrary(source: source, budgetBytes: one + one / 2, logger: logger)
        let readsBefore = source.readCount(boxSHA)
        let box = await library.load(.asset(boxSHA))
        _ = await library.load(.asset(bigSHA))
        var usage = library.usage
        #expect(usage.ready == 1)
        #expect(usage.bytesHeld <= library.budgetBytes)
        // The box was used least recently: it went, and comes back through a new load.
        #expect(library.model(.asset(boxSHA)).placeholder == .loading)
        let again = await library.load(.asset(boxSHA))
        #expect(again !== box && again.placeholder == nil)
        usage = library.usage
        #expect(usage.loadsStarted == 3)
        #expect(source.readCount(boxSHA) == readsBefore + 2)
    }

    @Test("built-ins are shared by every library and never wait; an unknown built-in name is the failed placeholder")
    func builtins() {
        let a = ModelLibrary(source: nil, logger: logger).model(.builtin("storage"))
        let b = ModelLibrary(source: source, logger: logger).model(.builtin("storage"))
        #expect(a === b && a.placeholder == nil)
        #expect(a.full == BuiltinEquipment.storage.mesh())
        let unknown = ModelLibrary.builtinsOnly.model(.builtin("flux_capacitor"))
        #expect(unknown.placeholderColor == LoadedModel.failedColor)
    }

    @Test("observers hear of each finished load until they cancel")
    func observers() async {
        let library = ModelLibrary(source: source, logger: logger)
        let heard = Atomic<Int>(0)
        let observation = library.observe { heard.wrappingAdd(1, ordering: .relaxed) }
        _ = await library.load(.asset(boxSHA))
        #expect(heard.load(ordering: .relaxed) == 1)
        observation.cancel()
        _ = await library.load(.asset(bigSHA))
        #expect(heard.load(ordering: .relaxed) == 1)
    }

    @Test("a view draws the loading placeholder grey, then the uploaded model once it loads; a broken one magenta")
    func drawsWhatLoads() async throws {
        // The read waits until the first frame is drawn, so that frame shows the placeholder.
        let gated = GatedSource(source)
        let library = ModelLibrary(source: gated, logger: logger)
        let context = try await GLContext.make(width: 160, height: 120, samples: 0, models: library, logger: logger)
        let device = UUID()
        func state(_ sha: String) -> SceneState {
            var state = SceneState(sceneID: UUID())
            state.devices[device] = Device(id: device, kind: .custom, name: "part", model: .asset(sha), position: .zero)
            return state
        }
        let camera = Camera(target: Vec3(0, 1, 0), distance: 9, azimuth: 30, elevation: 25, fov: 50)
        func colours() async throws -> (grey: Int, magenta: Int, kind: Int) {
            let frame = try await context.readFrameRGBA()
            var counts = (grey: 0, magenta: 0, kind: 0)
            for y in 0..<frame.height {
                for x in 0..<frame.width {
                    let p = frame.rgba(x: x, y: y)
                    let (r, g, b) = (Int(p[0]), Int(p[1]), Int(p[2]))
                    if r > 150 && b > 130 && g < 90 { counts.magenta += 1 }
                    else if abs(r - g) < 12 && abs(g - b) < 16 && r > 90 { counts.grey += 1 }
                    else { counts.kind += 1 }
                }
            }
            return counts
        }

        var projection = RenderProjection(state: state(boxSHA))
        try await context.renderScene(projection.state, changes: projection.takeChanges(), camera: camera)
        let loadingFrame = try await context.readFrameRGBA()
        let loading = try await colours()
        gated.release()
        _ = await library.load(.asset(boxSHA))
        // The finished load makes a frame due, and the model replaces the placeholder.
        #expect(await context.wouldRedraw(camera: camera, viewer: nil))
        try await context.renderScene(projection.state, changes: [], camera: camera)
        let loadedFrame = try await context.readFrameRGBA()
        #expect(loadedFrame != loadingFrame)
        #expect(try await colours().magenta == 0)
        #expect(await context.wouldRedraw(camera: camera, viewer: nil) == false)

        projection = RenderProjection(state: state(brokenSHA))
        _ = await library.load(.asset(brokenSHA))
        try await context.renderScene(projection.state, camera: camera)
        let broken = try await colours()
        #expect(broken.magenta > 50, "the failed placeholder is magenta: \(broken)")
        #expect(loading.magenta == 0 && loading.grey > broken.grey, "the loading placeholder is grey: \(loading)")
        await context.close()
    }
}
