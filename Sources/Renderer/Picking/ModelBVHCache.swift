package import SceneLedger
import Synchronization

/// Picking BVHs of models, built once per process in the background and shared by every
/// user: the server's `device:click` picker and each view's hover.
///
/// Models are keyed by `ModelRef`, which never changes meaning (built-ins by name,
/// uploads by the SHA-256 of their bytes), so a BVH built for one scene serves all. Building
/// one over a 20,000-triangle model takes tens of milliseconds in a release build and
/// seconds in a debug build; on the GL thread it would stall every frame of the view, so
/// `bvh(for:mesh:)` never builds: it starts a background build and answers nil until the
/// BVH is ready. `warmBuiltins()` builds the built-in equipment's at start.
package final class ModelBVHCache: Sendable {
    private struct State {
        var ready: [ModelRef: TriangleBVH] = [:]
        var building: Set<ModelRef> = []
    }

    /// The process's cache.
    package static let shared = ModelBVHCache()

    private let state = Mutex(State())

    package init() {}

    /// The BVH of `model` if it is built; otherwise nil, and a build of `mesh()` starts in
    /// the background (once).
    package func bvh(for model: ModelRef, mesh: @escaping @Sendable () -> Mesh?) -> TriangleBVH? {
        let (ready, start) = state.withLock { s -> (TriangleBVH?, Bool) in
            if let ready = s.ready[model] { return (ready, false) }
            if s.building.contains(model) { return (nil, false) }
            s.building.insert(model)
            return (nil, true)
        }
        if start {
            Task.detached(priority: .utility) { [self] in _ = self.build(model, mesh: mesh) }
        }
        return ready
    }

    /// The BVH of `model`, built now on the caller's thread when it is not ready (for tools
    /// and tests that cannot go on without it); nil when `mesh()` has no mesh.
    @discardableResult
    package func build(_ model: ModelRef, mesh: () -> Mesh?) -> TriangleBVH? {
        if let ready = state.withLock({ $0.ready[model] }) { return ready }
        guard let mesh = mesh() else {
            _ = state.withLock { $0.building.remove(model) }
            return nil
        }
        let built = TriangleBVH(mesh: mesh)
        return state.withLock { s in
            s.building.remove(model)
            if let ready = s.ready[model] { return ready }
            s.ready[model] = built
            return built
        }
    }

    /// Builds the built-in equipment's BVHs in the background, so the first click and
    /// hover find them ready.
    package func warmBuiltins() {
        Task.detached(priority: .utility) { [self] in
            for builtin in BuiltinEquipment.allCases {
                let model = ModelRef.builtin(builtin.rawValue)
                let claimed = state.withLock { s -> Bool in
                    guard s.ready[model] == nil, !s.building.contains(model) else { return false }
                    s.building.insert(model)
                    return true
                }
                if claimed { build(model) { builtin.mesh() } }
            }
        }
    }

    /// `model`'s BVH if it is ready; never starts a build.
    package func ready(_ model: ModelRef) -> TriangleBVH? { state.withLock { $0.ready[model] } }
}
