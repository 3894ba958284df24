import Foundation
import Testing

@testable import SceneLedger

@Suite("UUID order")
struct UUIDOrderTests {
    @Test("precedes sorts exactly as uuidString does")
    func matchesStringOrder() {
        var random = SplitMix64(seed: 7)
        var ids: [UUID] = (0..<2_000).map { _ in
            var bytes = [UInt8](repeating: 0, count: 16)
            // Few distinct high bytes, so many pairs tie on the first half and differ in the second.
            for i in 0..<16 { bytes[i] = i < 8 ? UInt8(random.next() % 3) : UInt8(truncatingIfNeeded: random.next()) }
            return bytes.withUnsafeBytes { UUID(uuid: $0.loadUnaligned(as: uuid_t.self)) }
        }
        ids.append(contentsOf: ids.prefix(10))  // equal ids
        let byBytes = ids.sorted { $0.precedes($1) }
        let byString = ids.sorted { $0.uuidString < $1.uuidString }
        #expect(byBytes == byString)
        #expect(!ids[0].precedes(ids[0]))
        #expect(UUID(uuidString: "00000000-0000-0000-0000-0000000000FF")!.precedes(UUID(uuidString: "00000000-0000-0000-0000-000000000100")!))
        #expect(UUID(uuidString: "0F000000-0000-0000-FFFF-FFFFFFFFFFFF")!.precedes(UUID(uuidString: "10000000-0000-0000-0000-000000000000")!))
    }
}
