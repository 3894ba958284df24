import Testing
@testable import SceneLedger

@Suite("Supervising the embedded PostgreSQL: when to start it again")
struct EmbeddedPostgresSupervisionTests {
    typealias Supervision = EmbeddedPostgres.Supervision
    static let second: UInt64 = 1_000_000_000

    @Test("one missed check is not a stop; two in a row start the server at once, and a start that works counts a restart")
    func restartAfterTwoMissedChecks() {
        var s = Supervision(now: 0)
        #expect(check(&s, running: true, at: Self.second) == .none)
        #expect(check(&s, running: false, at: 2 * Self.second) == .none)
        #expect(s.state == .running)
        #expect(check(&s, running: true, at: 3 * Self.second) == .none)
        #expect(check(&s, running: false, at: 4 * Self.second) == .none)
        #expect(check(&s, running: false, at: 5 * Self.second) == .start(attempt: 1))
        #expect(s.state == .restarting && s.lastError?.contains("stopped") == true)
        s.started(at: 6 * Self.second)
        #expect(s.state == .running && s.restarts == 1 && s.retryAt == nil)
    }

    @Test("failed starts wait 0.5 s, 1 s, 2 s … at most 30 s, and keep the last error")
    func failedStartsBackOff() {
        var s = Supervision(now: 0)
        var now = 10 * Self.second
        _ = check(&s, running: false, at: now)
        #expect(check(&s, running: false, at: now) == .start(attempt: 1))
        var waits: [UInt64] = []
        for attempt in 1...9 {
            let wait = s.startFailed("pg_ctl failed \(attempt)", at: now)
            waits.append(wait)
            // Not before it is due.
            #expect(check(&s, running: false, at: now + wait - 1) == .none)
            #expect(s.state == .restarting && s.retryAt == now + wait)
            now += wait
            #expect(check(&s, running: false, at: now) == .start(attempt: attempt + 1))
        }
        #expect(waits == [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000].map { UInt64($0) * 1_000_000 })
        #expect(s.lastError == "pg_ctl failed 9" && s.restarts == 0)
        s.started(at: now)
        #expect(s.restarts == 1 && s.state == .running)
    }

    @Test("a server that stops again soon after a restart waits; one that ran 30 s is started at once again")
    func crashLoopBacksOffHealthyResets() {
        var s = Supervision(now: 0)
        _ = check(&s, running: false, at: Self.second)
        #expect(check(&s, running: false, at: 2 * Self.second) == .start(attempt: 1))
        s.started(at: 3 * Self.second)
        // It stops 5 s later: the next start waits 0.5 s.
        _ = check(&s, running: false, at: 8 * Self.second)
        #expect(check(&s, running: false, at: 9 * Self.second) == .none)
        #expect(s.retryAt == 9 * Self.second + Supervision.firstDelay)
        #expect(check(&s, running: false, at: 9 * Self.second + Supervision.firstDelay) == .start(attempt: 2))
        s.started(at: 10 * Self.second)
        // Healthy for 30 s: the row is over.
        #expect(check(&s, running: true, at: 40 * Self.second) == .none)
        #expect(s.attemptsInRow == 0)
        _ = check(&s, running: false, at: 50 * Self.second)
        #expect(check(&s, running: false, at: 51 * Self.second) == .start(attempt: 1))
        #expect(s.restarts == 2)
    }

    @Test("a server someone else started while this one waited ends the restart without counting one")
    func startedElsewhere() {
        var s = Supervision(now: 0)
        _ = check(&s, running: false, at: Self.second)
        #expect(check(&s, running: false, at: 2 * Self.second) == .start(attempt: 1))
        _ = s.startFailed("the shared memory block is still in use", at: 2 * Self.second)
        #expect(check(&s, running: true, at: 2 * Self.second + 100) == .none)
        #expect(s.state == .running && s.restarts == 0 && s.retryAt == nil)
        #expect(s.lastError == "the shared memory block is still in use")
    }
}

/// `checked` is mutating; `#expect` takes its result.
private func check(_ s: inout EmbeddedPostgres.Supervision, running: Bool, at now: UInt64) -> EmbeddedPostgres.Supervision.Action {
    s.checked(running: running, at: now)
}
