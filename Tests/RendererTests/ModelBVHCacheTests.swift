import Foundation
import SceneLedger
import Synchronization
import Testing
@testable import Renderer

@Suite("Picking BVHs, built once in the background")
struct ModelBVHCacheTests {
    @Test("the first ask starts a background build and answers nil; later asks get the one BVH built")
    func background() async throws {
        let cache = ModelBVHCache()
        let model = ModelRef.asset(String(repeating: "ab", count: 32))
        let mesh = BuiltinEquipment.conveyor.mesh()
        let calls = Counter()
        #expect(cache.bvh(for: model) { calls.add(); return mesh } == nil)
        let deadline = Date().addingTimeInterval(120)
        while cache.ready(model) == nil && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let built = try #require(cache.ready(model))
        #expect(built.triangleCount == mesh.triangleCount)
        // Asking again, or building on the spot, gives the same BVH and builds nothing more.
        #expect(cache.bvh(for: model) { calls.add(); return mesh }?.triangleCount == mesh.triangleCount)
        #expect(cache.build(model) { calls.add(); return mesh } != nil)
        #expect(calls.value == 1)
    }

    @Test("a model without a mesh gets no BVH and can be asked for again")
    func missing() {
        let cache = ModelBVHCache()
        let model = ModelRef.asset(String(repeating: "cd", count: 32))
        #expect(cache.build(model) { nil } == nil)
        #expect(cache.ready(model) == nil)
        #expect(cache.build(model) { BuiltinEquipment.agv.mesh() } != nil)
    }
}

/// Counts calls from any thread.
private final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
