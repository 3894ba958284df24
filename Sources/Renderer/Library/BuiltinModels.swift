import SceneLedger
import Synchronization

/// The built-in equipment's models, made once per process and shared by every library:
/// they never change meaning, take no memory budget and never fail. A built-in name the
/// renderer does not know (a ledger written by a later version) draws as the failed
/// placeholder.
enum BuiltinModels {
    private static let made = Mutex<[String: LoadedModel]>([:])

    static func model(named name: String) -> LoadedModel {
        if let model = made.withLock({ $0[name] }) { return model }
        let ref = ModelRef.builtin(name)
        // Made outside the lock (levels of detail take a while); two racing callers both
        // make it and the first one stored wins.
        let model =
            BuiltinEquipment(rawValue: name).map { LoadedModel(ref: ref, mesh: $0.mesh()) }
            ?? LoadedModel(placeholderFor: ref, .failed(reason: "no built-in model is named \"\(name)\""))
        return made.withLock { models in
            if let first = models[name] { return first }
            models[name] = model
            return model
        }
    }

    /// Builds the built-in equipment's models and picking BVHs in the background, so the
    /// first frame, click and hover find them ready.
    static func warm() {
        Task.detached(priority: .utility) {
            for builtin in BuiltinEquipment.allCases { model(named: builtin.rawValue).buildBVH() }
        }
    }
}
