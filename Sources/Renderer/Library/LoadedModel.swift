import Foundation
package import SceneLedger
import Synchronization

/// One model as every renderer draws it, made once off the GL thread and shared by every
/// view, `scenecast render`, replay, clips and picking (`ModelLibrary`): the full-resolution
/// mesh (placed on the ground), its levels of detail down to a bounding box, its bounding
/// sphere, and its picking BVH, built once in the background.
///
/// A model that is not (yet) available is a placeholder: a wire cube, tinted by why
/// (`Placeholder`), never another model.
package final class LoadedModel: Sendable {
    /// Why a placeholder stands in for a model.
    package enum Placeholder: Sendable, Equatable {
        /// The model's bytes are still being read and prepared.
        case loading
        /// The model could not be loaded; `reason` says why (it is logged once).
        case failed(reason: String)
    }

    /// The model this is: the ref asked for (a placeholder has the ref it stands in for).
    package let ref: ModelRef
    /// nil for a real model.
    package let placeholder: Placeholder?
    /// Full resolution, placed on the ground; what picking hits.
    package let full: Mesh
    /// Level 0 is `full`; the last level is the bounding box when `hasBox`.
    package let chain: LODChain
    package let hasBox: Bool
    /// Bounding sphere in model space.
    package let center: SIMD3<Float>
    package let radius: Float
    /// Bytes held by the meshes of every level (positions, normals, indices), for the
    /// library's memory budget; the BVH adds about as much again as the full mesh.
    package let byteCost: Int
    private let bvhState = Mutex<BVHState>(.none)

    private enum BVHState {
        case none
        case building
        case ready(TriangleBVH)
    }

    /// A real model: its levels of detail are made here (call off the GL thread).
    package init(ref: ModelRef, mesh: Mesh) {
        self.ref = ref
        placeholder = nil
        full = mesh
        let chain = Self.levels(of: mesh)
        self.chain = chain
        hasBox = chain.levels.count > 1 && chain.triangleCounts.last == 12
        center = mesh.bounds.center
        radius = (mesh.bounds.size * mesh.bounds.size).sum().squareRoot() / 2
        byteCost = chain.levels.reduce(0) { sum, level in
            sum + (level.positions.count + level.normals.count) * MemoryLayout<Float>.size + level.indices.count * MemoryLayout<UInt32>.size
        } + mesh.indices.count * 16
    }

    /// `template`'s geometry standing in for `ref`.
    init(ref: ModelRef, template: LoadedModel, placeholder: Placeholder) {
        self.ref = ref
        self.placeholder = placeholder
        full = template.full
        chain = template.chain
        hasBox = template.hasBox
        center = template.center
        radius = template.radius
        byteCost = 0
    }

    /// The levels drawn for a model: its LOD chain down to about 1/1024 of the triangles
    /// (never under 40), then its bounding box (12 triangles) for instances only a few
    /// pixels tall.
    static func levels(of mesh: Mesh) -> LODChain {
        let chain = LODChain(full: mesh, minimumTriangles: 40, maxCoarseLevels: 5)
        var builder = MeshBuilder()
        builder.box(center: mesh.bounds.center, size: mesh.bounds.size)
        let box = builder.build()
        guard let last = chain.levels.last, last.triangleCount > box.triangleCount * 2 else { return chain }
        return LODChain(levels: chain.levels + [box])
    }

    package var triangleCounts: [Int] { chain.triangleCounts }

    /// The picking BVH if it is built; otherwise nil, and a build starts in the background
    /// (once). Building one over a 20,000-triangle model takes tens of milliseconds in a
    /// release build and seconds in a debug build, so the GL thread and a scene host never
    /// wait for it: until it is ready, picking uses the device's box.
    package func bvh() -> TriangleBVH? {
        let (ready, start) = bvhState.withLock { state -> (TriangleBVH?, Bool) in
            switch state {
            case .ready(let bvh): return (bvh, false)
            case .building: return (nil, false)
            case .none:
                state = .building
                return (nil, true)
            }
        }
        if start { Task.detached(priority: .utility) { [self] in _ = self.buildBVH() } }
        return ready
    }

    /// The picking BVH, built now on the caller's thread when it is not ready (for loads
    /// in the background, tools and tests).
    @discardableResult
    package func buildBVH() -> TriangleBVH {
        if case .ready(let bvh) = bvhState.withLock({ $0 }) { return bvh }
        let built = TriangleBVH(mesh: full)
        return bvhState.withLock { state in
            if case .ready(let bvh) = state { return bvh }
            state = .ready(built)
            return built
        }
    }

    /// True once the picking BVH is built.
    package var hasBVH: Bool {
        if case .ready = bvhState.withLock({ $0 }) { return true }
        return false
    }
}
