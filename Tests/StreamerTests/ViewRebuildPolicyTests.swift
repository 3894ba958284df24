import Testing
@testable import Streamer

@Suite("When a failed view is rebuilt")
struct ViewRebuildPolicyTests {
    static let second: UInt64 = 1_000_000_000

    @Test("failures in a row wait 0.5 s, 1 s, 2 s … and at most 30 s")
    func backoffDoubles() {
        var policy = ViewRebuildPolicy()
        policy.started(at: 0)
        var now: UInt64 = 10 * Self.second
        var delays: [UInt64] = []
        for _ in 0..<10 {
            let retry = policy.failed(at: now)
            #expect(retry.at == now + retry.delay)
            delays.append(retry.delay)
            now = retry.at
            policy.started(at: now)
            // A frame right after the rebuild is not a healthy period.
            #expect(!render(&policy, at: now + Self.second))
        }
        #expect(delays == [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000].map { UInt64($0) * 1_000_000 })
        #expect(policy.failuresInRow == 10 && policy.failures == 10 && policy.rebuilds == 10)
    }

    @Test("a view that rendered for 30 s since its rebuild starts again at 0.5 s")
    func healthyPeriodResets() {
        var policy = ViewRebuildPolicy()
        policy.started(at: 0)
        _ = policy.failed(at: Self.second)
        let second = policy.failed(at: 2 * Self.second)
        #expect(second.delay == Self.second)
        policy.started(at: 3 * Self.second)
        #expect(!render(&policy, at: 32 * Self.second))
        #expect(render(&policy, at: 33 * Self.second))
        // Only once: the row is over.
        #expect(!render(&policy, at: 34 * Self.second))
        #expect(policy.failuresInRow == 0)
        #expect(fail(&policy, at: 40 * Self.second).delay == ViewRebuildPolicy.firstDelay)
        #expect(policy.failures == 3)
    }

    @Test("a healthy period counts from the rebuild, not from a failure; a view never failed has no row to end")
    func healthyCountsFromTheStart() {
        var policy = ViewRebuildPolicy()
        policy.started(at: 0)
        #expect(!render(&policy, at: 100 * Self.second))
        #expect(policy.rebuilds == 0)
        _ = policy.failed(at: 100 * Self.second)
        // Failed, not yet rebuilt: frames can't come, and no time counts as healthy.
        #expect(!render(&policy, at: 200 * Self.second))
        policy.started(at: 200 * Self.second)
        #expect(policy.rebuilds == 1)
        #expect(!render(&policy, at: 229 * Self.second))
        #expect(render(&policy, at: 230 * Self.second))
    }
}

/// The policy's mutating calls, for use inside `#expect`.
private func render(_ policy: inout ViewRebuildPolicy, at now: UInt64) -> Bool { policy.rendered(at: now) }
private func fail(_ policy: inout ViewRebuildPolicy, at now: UInt64) -> ViewRebuildPolicy.Retry { policy.failed(at: now) }
