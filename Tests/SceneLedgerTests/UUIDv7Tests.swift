import Foundation
import Synchronization
import Testing

@testable import SceneLedger

@Suite("UUIDv7 command ids")
struct UUIDv7Tests {
    @Test("fields land where RFC 9562 puts them")
    func layout() {
        let id = UUIDv7Generator.make(millis: 0x0189_3A4B_5C6D, counter: 0xABC, randomB: 0xFFFF_FFFF_FFFF_FFFF)
        #expect(id.uuidString == "01893A4B-5C6D-7ABC-BFFF-FFFFFFFFFFFF")
        #expect(id.version == 7)
        #expect(id.unixMillisV7 == 0x0189_3A4B_5C6D)
        let zero = UUIDv7Generator.make(millis: 0, counter: 0, randomB: 0)
        #expect(zero.uuidString == "00000000-0000-7000-8000-000000000000")
        #expect(UUID().version == 4)
        #expect(UUID().unixMillisV7 == nil)
    }

    @Test("ids from one generator strictly increase, within a millisecond and across the counter's end")
    func monotonic() {
        // A frozen clock: every id falls in the same millisecond, so the counter runs out
        // and the generator borrows the next millisecond.
        let generator = UUIDv7Generator(clock: { 1_700_000_000_000 })
        let ids = (0..<10_000).map { _ in generator.next() }
        for (a, b) in zip(ids, ids.dropFirst()) {
            #expect(a.precedes(b), "\(a) then \(b)")
        }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.version == 7 && $0.uuid.8 & 0xC0 == 0x80 })
        #expect(ids.first?.unixMillisV7 == 1_700_000_000_000)
        // At least 2,048 ids fit in a millisecond, at most 4,096.
        let borrowed = ids.last!.unixMillisV7! - 1_700_000_000_000
        #expect(borrowed >= 2 && borrowed <= 5)
    }

    @Test("a clock that steps back keeps the order")
    func clockStepsBack() {
        let now = Mutex<UInt64>(1_000_000)
        let generator = UUIDv7Generator(clock: { now.withLock { $0 } })
        let before = generator.next()
        now.withLock { $0 = 999_000 }  // one second back
        let after = generator.next()
        #expect(before.precedes(after))
        #expect(after.unixMillisV7 == 1_000_000)
        now.withLock { $0 = 1_000_500 }
        let later = generator.next()
        #expect(later.unixMillisV7 == 1_000_500)
        #expect(after.precedes(later))
    }

    @Test("the system clock's ids carry the current time")
    func systemClock() throws {
        let start = UInt64(Date().timeIntervalSince1970 * 1000)
        let id = UUIDv7Generator.shared.next()
        let end = UInt64(Date().timeIntervalSince1970 * 1000)
        let millis = try #require(id.unixMillisV7)
        #expect(millis >= start && millis <= end + 1)
    }
}
