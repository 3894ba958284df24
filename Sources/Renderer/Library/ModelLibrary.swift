import Foundation
package import Logging
package import SceneLedger
package import Synchronization

/// The one place every renderer gets its models from: live views, `scenecast render`,
/// replay frames, clips, hover and the server's `device:click` picking.
///
/// Models are content-addressed (`ModelRef`: built-ins by name, uploads by the SHA-256 of
/// their bytes), so each is read, parsed, placed on the ground, given its levels of detail
/// and its picking BVH once per process, off the GL thread, and shared by all. Uploaded
/// models are held within a memory budget: past it, the least recently used ones are let go
/// (a view that still draws one keeps its copy; the next one to ask loads it again).
///
/// `model(_:)` never waits: an uploaded model not loaded yet starts loading and is drawn as
/// the loading placeholder; when the load ends, `generation` moves on and observers hear of
/// it, so a live view draws the model in its next frame. A model that cannot be loaded is
/// drawn as the failed placeholder (a magenta wire cube) and logged once, never as another
/// model. `load(_:)` and `prepare(_:)` wait, for renderers that draw one finished frame.
package final class ModelLibrary: Sendable {
    /// Bytes of uploaded models held at most by default: 1 GiB.
    package static let defaultBudgetBytes = 1 << 30
    /// After a failure that was not the model's fault (the store unreachable), a lookup
    /// tries again once this long has passed.
    static let retryInterval: Duration = .seconds(15)

    private enum Slot {
        case loading(LoadedModel)
        case ready(LoadedModel)
        /// `retry`: when a failure that may pass (not the file's fault) may be tried again.
        case failed(LoadedModel, retry: ContinuousClock.Instant?)

        var model: LoadedModel {
            switch self {
            case .loading(let m), .ready(let m), .failed(let m, _): m
            }
        }
    }

    private struct Entry {
        var slot: Slot
        var lastUse: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytesHeld = 0
        var tick: UInt64 = 0
        var waiters: [String: [CheckedContinuation<LoadedModel, Never>]] = [:]
        var observers: [UInt64: @Sendable () -> Void] = [:]
        var nextObserver: UInt64 = 0
        /// Models whose failure was logged, so each is logged once.
        var logged: Set<String> = []
        var loadsStarted = 0
    }

    private let state = Mutex(State())
    private let source: (any ModelSource)?
    private let logger: Logger
    /// Bytes of uploaded models held at most (`LoadedModel.byteCost`).
    package let budgetBytes: Int
    /// Moves on each time a model finishes loading or fails: a renderer that drew
    /// placeholders looks again when it changes.
    package let generation = Atomic<Int>(0)

    /// `source` provides uploaded models' bytes; without one, only built-ins load.
    package init(source: (any ModelSource)?, budgetBytes: Int = ModelLibrary.defaultBudgetBytes, logger: Logger) {
        self.source = source
        self.budgetBytes = budgetBytes
        self.logger = logger
    }

    /// A library of the built-in equipment only (uploads draw as failed placeholders), for
    /// tools and tests that have no model store.
    package static let builtinsOnly = ModelLibrary(source: nil, logger: Logger(label: "scenecast.models"))

    // MARK: - Lookups

    /// The model to draw for `ref` now, never waiting: the model, or a placeholder while it
    /// loads (the load starts here) or when it cannot be had.
    package func model(_ ref: ModelRef) -> LoadedModel {
        switch ref {
        case .builtin(let name):
            return BuiltinModels.model(named: name)
        case .asset(let sha):
            let (model, start) = lookUp(sha, ref: ref)
            if start { startLoad(sha, ref: ref) }
            return model
        }
    }

    /// The model for `ref` once its load has ended: the model, or the failed placeholder.
    package func load(_ ref: ModelRef) async -> LoadedModel {
        guard case .asset(let sha) = ref else { return model(ref) }
        let first = model(ref)
        if first.placeholder != .loading { return first }
        return await withCheckedContinuation { continuation in
            let done = state.withLock { s -> LoadedModel? in
                if let entry = s.entries[sha], case .loading = entry.slot {
                    s.waiters[sha, default: []].append(continuation)
                    return nil
                }
                return s.entries[sha]?.slot.model ?? first
            }
            if let done { continuation.resume(returning: done) }
        }
    }

    /// Loads every model `state`'s devices use, before a renderer draws a finished frame.
    package func prepare(_ state: SceneState) async {
        let refs = Set(state.devices.values.map(\.model))
        await withTaskGroup(of: Void.self) { group in
            for ref in refs { group.addTask { _ = await self.load(ref) } }
        }
    }

    /// Calls `handler` (on any thread) each time a model finishes loading or fails, until
    /// the returned observation is cancelled.
    package func observe(_ handler: @escaping @Sendable () -> Void) -> Observation {
        let id = state.withLock { s in
            defer { s.nextObserver += 1 }
            s.observers[s.nextObserver] = handler
            return s.nextObserver
        }
        return Observation { [weak self] in _ = self?.state.withLock { $0.observers.removeValue(forKey: id) } }
    }

    /// Ends an `observe` registration when cancelled or released.
    package final class Observation: Sendable {
        private let cancelAction: Mutex<(@Sendable () -> Void)?>
        init(_ cancel: @escaping @Sendable () -> Void) { cancelAction = Mutex(cancel) }
        package func cancel() { cancelAction.withLock { action in defer { action = nil }; return action }?() }
        deinit { cancel() }
    }

    /// What the library holds, for tests, logs and `/health`.
    package struct Usage: Sendable, Equatable {
        package var ready: Int
        package var loading: Int
        package var failed: Int
        package var bytesHeld: Int
        /// Loads started since the library was made (each model once, unless evicted).
        package var loadsStarted: Int
    }

    package var usage: Usage {
        state.withLock { s in
            var usage = Usage(ready: 0, loading: 0, failed: 0, bytesHeld: s.bytesHeld, loadsStarted: s.loadsStarted)
            for entry in s.entries.values {
                switch entry.slot {
                case .ready: usage.ready += 1
                case .loading: usage.loading += 1
                case .failed: usage.failed += 1
                }
            }
            return usage
        }
    }

    // MARK: - Loading

    /// The entry's model, and whether a load must start (no entry, or a failure that may be
    /// tried again now).
    private func lookUp(_ sha: String, ref: ModelRef) -> (LoadedModel, Bool) {
        state.withLock { s in
            s.tick += 1
            if var entry = s.entries[sha] {
                entry.lastUse = s.tick
                if case .failed(_, let retry?) = entry.slot, ContinuousClock.now >= retry {
                    entry.slot = .loading(LoadedModel(placeholderFor: ref, .loading))
                    s.entries[sha] = entry
                    s.loadsStarted += 1
                    return (entry.slot.model, true)
                }
                s.entries[sha] = entry
                return (entry.slot.model, false)
            }
            let placeholder = LoadedModel(placeholderFor: ref, .loading)
            s.entries[sha] = Entry(slot: .loading(placeholder), lastUse: s.tick)
            s.loadsStarted += 1
            return (placeholder, true)
        }
    }

    private func startLoad(_ sha: String, ref: ModelRef) {
        let source = self.source
        Task.detached(priority: .userInitiated) { [self] in
            let slot: Slot
            do throws(RendererError) {
                guard let source else {
                    throw RendererError(.modelUnavailable, "no model store is open, so uploaded models cannot be read")
                }
                let bytes: [UInt8]
                do { bytes = try await source.modelBytes(sha) } catch {
                    throw RendererError(.modelUnavailable, "the model store could not give its bytes", underlying: error)
                }
                let mesh = try ModelDecoder.decode(bytes)
                let model = LoadedModel(ref: ref, mesh: mesh)
                model.buildBVH()
                slot = .ready(model)
            } catch {
                // A file that does not parse stays failed; a store that could not answer may later.
                let mayPass = error.code == .modelUnavailable && source != nil
                slot = .failed(
                    LoadedModel(placeholderFor: ref, .failed(reason: "\(error.code): \(error.description)")),
                    retry: mayPass ? ContinuousClock.now + Self.retryInterval : nil)
            }
            finish(sha, slot)
        }
    }

    private func finish(_ sha: String, _ slot: Slot) {
        let (waiters, observers, logFailure, evicted) = state.withLock { s in
            var entry = s.entries[sha] ?? Entry(slot: slot, lastUse: s.tick)
            entry.slot = slot
            s.entries[sha] = entry
            var logFailure: String?
            if case .failed(let model, _) = slot, case .failed(let reason)? = model.placeholder, s.logged.insert(sha).inserted {
                logFailure = reason
            }
            var evicted: [String] = []
            if case .ready(let model) = slot {
                s.bytesHeld += model.byteCost
                evicted = Self.evict(&s, budget: budgetBytes, keeping: sha)
            }
            return (s.waiters.removeValue(forKey: sha) ?? [], Array(s.observers.values), logFailure, evicted)
        }
        if let logFailure {
            logger.warning("model not drawn; a placeholder stands in", metadata: ["sha256": "\(sha)", "error": "\(logFailure)"])
        }
        if !evicted.isEmpty {
            logger.info("models let go to stay within the memory budget", metadata: ["evicted": "\(evicted.count)", "budget_bytes": "\(budgetBytes)"])
        }
        generation.wrappingAdd(1, ordering: .releasing)
        // Observers first: whoever `load` wakes finds them told.
        for observer in observers { observer() }
        for waiter in waiters { waiter.resume(returning: slot.model) }
    }

    /// Lets go of the least recently used ready models (never `keeping`) until the bytes
    /// held fit `budget`; returns their hashes.
    private static func evict(_ s: inout State, budget: Int, keeping: String) -> [String] {
        var evicted: [String] = []
        while s.bytesHeld > budget {
            let oldest = s.entries.filter { key, entry in
                if key == keeping { return false }
                if case .ready = entry.slot { return true }
                return false
            }.min { $0.value.lastUse < $1.value.lastUse }
            guard let (key, entry) = oldest else { break }
            s.bytesHeld -= entry.slot.model.byteCost
            s.entries.removeValue(forKey: key)
            evicted.append(key)
        }
        return evicted
    }
}

extension ModelLibrary {
    /// Builds the built-in equipment's models and picking BVHs in the background, so the
    /// first frame, click and hover find them ready (every library shares them).
    package static func warmBuiltins() { BuiltinModels.warm() }
}
