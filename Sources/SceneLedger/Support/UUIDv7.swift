package import Foundation
import Synchronization

/// Time-ordered version 7 UUIDs (RFC 9562, section 5.7) for new command ids.
///
/// The ledger's idempotency index is on `(command_id, command_seq)`. Random (version 4)
/// ids land on a random page of that index for every row, so once the index outgrows
/// shared buffers each insert splits or dirties a cold page and, after every checkpoint,
/// writes it whole into the WAL. Version 7 ids start with the Unix time in milliseconds,
/// so new rows go to the right edge of the index like the position key does.
///
/// Ids from one generator increase strictly (RFC 9562 method 1: the 12 bits of `rand_a`
/// are a counter within a millisecond, seeded with random bits below its top bit). A clock
/// that steps back keeps the last time until it catches up, so order survives it.
package final class UUIDv7Generator: Sendable {
    /// The generator the server mints its own command ids with.
    package static let shared = UUIDv7Generator()

    private struct State {
        var millis: UInt64 = 0
        var counter: UInt16 = 0
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> UInt64

    /// - Parameter clock: Unix time in milliseconds; the system clock by default.
    package init(clock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970 * 1000)) }) {
        self.clock = clock
    }

    package func next() -> UUID {
        var random = SystemRandomNumberGenerator()
        let now = clock()
        let (millis, counter) = state.withLock { s -> (UInt64, UInt16) in
            if now > s.millis {
                s.millis = now
                // Random start in the lower half leaves at least 2,048 ids for this millisecond.
                s.counter = UInt16.random(in: 0...0x7FF, using: &random)
            } else if s.counter < 0xFFF {
                s.counter += 1
            } else {
                // 4,096 ids in one millisecond: borrow the next one.
                s.millis += 1
                s.counter = 0
            }
            return (s.millis, s.counter)
        }
        return UUIDv7Generator.make(millis: millis, counter: counter, randomB: random.next())
    }

    /// The UUID of the given fields: 48 bits of time, version 7, 12 bits of counter, the
    /// RFC 4122 variant and 62 bits of `randomB`.
    package static func make(millis: UInt64, counter: UInt16, randomB: UInt64) -> UUID {
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8((millis >> (8 * UInt64(5 - i))) & 0xFF) }
        b[6] = 0x70 | UInt8((counter >> 8) & 0x0F)
        b[7] = UInt8(counter & 0xFF)
        for i in 0..<8 { b[8 + i] = UInt8((randomB >> (8 * UInt64(7 - i))) & 0xFF) }
        b[8] = (b[8] & 0x3F) | 0x80
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}

extension UUID {
    /// The version nibble (4 for random ids, 7 for time-ordered ones).
    package var version: Int { Int(uuid.6 >> 4) }

    /// For a version 7 id, its Unix time in milliseconds; nil for other versions.
    package var unixMillisV7: UInt64? {
        guard version == 7 else { return nil }
        let u = uuid
        return [u.0, u.1, u.2, u.3, u.4, u.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}
