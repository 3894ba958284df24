import Foundation
import Testing
@testable import Streamer

/// The per-view restart bookkeeping under `serve --record`, without GStreamer.
@Suite("Recording restarts bookkeeping")
struct RecordingRestartsTests {
    static let s = RecordingBackoff.second
    let key = Streamer.ViewKey(scene: UUID(), cameraOwner: UUID(), codec: .h264)

    @Test("a failure of the current recording schedules a wait; one of an older recording is ignored")
    func generations() {
        let restarts = RecordingRestarts()
        let first = restarts.begin(key)
        restarts.started(key, nowNanos: 0, restart: false)
        let second = restarts.begin(key)
        restarts.started(key, nowNanos: Self.s, restart: false)
        #expect(!restarts.isCurrent(key, generation: first) && restarts.isCurrent(key, generation: second))
        #expect(restarts.failed(key, generation: first, message: "old", nowNanos: 2 * Self.s, nowMicros: 2_000_000) == nil)
        #expect(restarts.status(key)?.lastError == nil)
        #expect(restarts.failed(key, generation: second, message: "disk full", nowNanos: 2 * Self.s, nowMicros: 2_000_000) == Self.s)
        let status = restarts.status(key)
        #expect(status == RecordingRestartStatus(failuresInRow: 1, restarts: 0, retryAtMicros: 3_000_000, lastError: "disk full"))
    }

    @Test("a waiting restart is due once; a failure while one waits schedules nothing more")
    func due() {
        let restarts = RecordingRestarts()
        let generation = restarts.begin(key)
        #expect(restarts.failed(key, generation: generation, message: "x", nowNanos: 0, nowMicros: 0) == Self.s)
        restarts.schedule(key, Task {})
        #expect(restarts.failed(key, generation: generation, message: "again", nowNanos: 1, nowMicros: 0) == nil)
        #expect(restarts.takeDue(key))
        #expect(!restarts.takeDue(key))
        let next = restarts.begin(key)
        #expect(restarts.failed(key, generation: next, message: "y", nowNanos: Self.s, nowMicros: 0) == 2 * Self.s)
        restarts.schedule(key, Task {})
        _ = restarts.takeDue(key)
        restarts.started(key, nowNanos: 3 * Self.s, restart: true)
        #expect(restarts.status(key)?.restarts == 1 && restarts.status(key)?.retryAtMicros == nil)
    }

    @Test("a stop drops a waiting restart, and one being tried, and makes its failure stale")
    func stop() {
        let restarts = RecordingRestarts()
        let generation = restarts.begin(key)
        _ = restarts.failed(key, generation: generation, message: "x", nowNanos: 0, nowMicros: 0)
        let task = Task<Void, Never> { try? await Task.sleep(for: .seconds(60)) }
        restarts.schedule(key, task)
        #expect(restarts.stop(key))
        #expect(task.isCancelled)
        #expect(!restarts.takeDue(key))
        #expect(!restarts.stop(key))
        // A restart being tried when the stop came (its wait is over, it has not reported yet).
        let trying = restarts.begin(key)
        _ = restarts.failed(key, generation: trying, message: "y", nowNanos: 0, nowMicros: 0)
        restarts.schedule(key, Task {})
        _ = restarts.takeDue(key)
        let attempt = restarts.begin(key)
        #expect(restarts.stop(key))
        #expect(!restarts.isCurrent(key, generation: attempt))
        #expect(restarts.failed(key, generation: attempt, message: "late", nowNanos: 0, nowMicros: 0) == nil)
    }

    @Test("views that are gone are forgotten")
    func keep() {
        let restarts = RecordingRestarts()
        _ = restarts.failed(key, generation: restarts.begin(key), message: "x", nowNanos: 0, nowMicros: 0)
        #expect(restarts.status(key) != nil)
        restarts.keep(only: [])
        #expect(restarts.status(key) == nil)
    }
}
