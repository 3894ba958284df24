import Foundation
import Testing
@testable import CommandBus

@Suite("Shared control, without I/O")
struct ControlStateMachineTests {
    typealias Machine = ControlStateMachine
    let ada = UUID()
    let bob = UUID()
    let cy = UUID()
    let root = UUID()
    static let second: UInt64 = 1_000_000_000

    func refusalCode(_ actions: [Machine.Action]) -> CommandError.Code? {
        guard actions.count == 1, case .refuse(_, let code, _) = actions[0] else { return nil }
        return code
    }

    @Test("the first to ask drives; a second joining as driver files a request instead")
    func claimAndRequestAtJoin() {
        var m = Machine()
        #expect(m.join(ada, wantsToDrive: true, mayDrive: true, nowNanos: 0) == [.controlChanged(from: nil, to: ada, reason: .claimed)])
        #expect(m.join(bob, wantsToDrive: true, mayDrive: true, nowNanos: 1) == [.requestPending(requester: bob, driver: ada)])
        #expect(m.driver == ada)
        #expect(m.pendingRequests == [bob])
        // Asking again changes nothing; a viewer may not ask at all.
        #expect(m.request(bob, mayDrive: true, nowNanos: 2).isEmpty)
        #expect(refusalCode(m.request(cy, mayDrive: false, nowNanos: 2)) == .forbidden)
        #expect(refusalCode(m.request(ada, mayDrive: true, nowNanos: 2)) == .conflict)
        #expect(m.join(cy, wantsToDrive: false, mayDrive: true, nowNanos: 3).isEmpty)
    }

    @Test("the driver grants or denies; nobody else but an admin may answer")
    func grantAndDeny() {
        var m = Machine()
        _ = m.request(ada, mayDrive: true, nowNanos: 0)
        _ = m.request(bob, mayDrive: true, nowNanos: 1)
        _ = m.request(cy, mayDrive: true, nowNanos: 2)
        #expect(refusalCode(m.grant(by: cy, to: bob, granterIsAdmin: false)) == .forbidden)
        #expect(m.deny(by: ada, to: cy, denierIsAdmin: false) == [.requestDenied(requester: cy, by: ada)])
        #expect(m.grant(by: ada, to: bob, granterIsAdmin: false) == [.controlChanged(from: ada, to: bob, reason: .granted)])
        #expect(m.driver == bob)
        // The old driver is now only a participant: it cannot grant, and the answered request is gone.
        #expect(refusalCode(m.grant(by: ada, to: cy, granterIsAdmin: false)) == .forbidden)
        #expect(refusalCode(m.grant(by: bob, to: cy, granterIsAdmin: false)) == .conflict)
        // An admin answers for a driver.
        _ = m.request(cy, mayDrive: true, nowNanos: 3)
        #expect(m.grant(by: root, to: cy, granterIsAdmin: true) == [.controlChanged(from: bob, to: cy, reason: .granted)])
        #expect(m.pendingRequests.isEmpty)
    }

    @Test("an unanswered request times out after 30 s")
    func requestTimeout() {
        var m = Machine()
        _ = m.request(ada, mayDrive: true, nowNanos: 0)
        _ = m.request(bob, mayDrive: true, nowNanos: 5 * Self.second)
        #expect(m.nextDeadline == 35 * Self.second)
        #expect(m.tick(nowNanos: 34 * Self.second).isEmpty)
        #expect(m.tick(nowNanos: 35 * Self.second) == [.requestTimedOut(requester: bob)])
        #expect(m.pendingRequests.isEmpty)
        #expect(m.nextDeadline == nil)
        #expect(m.driver == ada)
    }

    @Test("a driver who disconnects and returns within 10 s keeps control")
    func reservationKept() {
        var m = Machine()
        _ = m.request(ada, mayDrive: true, nowNanos: 0)
        _ = m.request(bob, mayDrive: true, nowNanos: 1)
        #expect(m.disconnected(ada, nowNanos: 2 * Self.second).isEmpty)
        #expect(m.nextDeadline == 12 * Self.second)
        #expect(m.tick(nowNanos: 11 * Self.second).isEmpty)
        #expect(m.join(ada, wantsToDrive: true, mayDrive: true, nowNanos: 11 * Self.second).isEmpty)
        #expect(m.driver == ada)
        #expect(m.tick(nowNanos: 13 * Self.second).isEmpty)
        #expect(m.driver == ada)
    }

    @Test("after 10 s away, control passes to the oldest request, or to nobody")
    func reservationExpires() {
        var m = Machine()
        _ = m.request(ada, mayDrive: true, nowNanos: 0)
        _ = m.request(bob, mayDrive: true, nowNanos: 1)
        _ = m.request(cy, mayDrive: true, nowNanos: 2)
        _ = m.disconnected(ada, nowNanos: 3)
        #expect(m.tick(nowNanos: 3 + 10 * Self.second) == [.controlChanged(from: ada, to: bob, reason: .reservationExpired)])
        #expect(m.pendingRequests == [cy])
        // Coming back late, the old driver only asks again.
        #expect(m.join(ada, wantsToDrive: true, mayDrive: true, nowNanos: 11 * Self.second) == [.requestPending(requester: ada, driver: bob)])

        var alone = Machine()
        _ = alone.request(ada, mayDrive: true, nowNanos: 0)
        _ = alone.disconnected(ada, nowNanos: 0)
        #expect(alone.tick(nowNanos: 10 * Self.second) == [.controlChanged(from: ada, to: nil, reason: .reservationExpired)])
        #expect(alone.driver == nil)
    }

    @Test("release hands control on; an admin takes it; only an admin may")
    func releaseAndTake() {
        var m = Machine()
        _ = m.request(ada, mayDrive: true, nowNanos: 0)
        _ = m.request(bob, mayDrive: true, nowNanos: 1)
        #expect(refusalCode(m.release(by: bob)) == .conflict)
        #expect(m.release(by: ada) == [.controlChanged(from: ada, to: bob, reason: .released)])
        #expect(refusalCode(m.take(by: cy, isAdmin: false)) == .forbidden)
        #expect(m.take(by: root, isAdmin: true) == [.controlChanged(from: bob, to: root, reason: .taken)])
        #expect(m.take(by: root, isAdmin: true).isEmpty)
        #expect(m.release(by: root) == [.controlChanged(from: root, to: nil, reason: .released)])
        #expect(m.driver == nil)
    }

    @Test("a driver who leaves for good passes control at once; a leaving requester is forgotten")
    func leaving() {
        var m = Machine()
        _ = m.request(ada, mayDrive: true, nowNanos: 0)
        _ = m.request(bob, mayDrive: true, nowNanos: 1)
        _ = m.request(cy, mayDrive: true, nowNanos: 2)
        #expect(m.left(bob).isEmpty)
        #expect(m.left(ada) == [.controlChanged(from: ada, to: cy, reason: .left)])
        #expect(m.pendingRequests.isEmpty)
    }
}
