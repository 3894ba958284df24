package import Foundation

extension UUID {
    /// Whether this id sorts before `other` in the order of their `uuidString`s, without
    /// formatting either: fixed-width upper-case hex sorts exactly as the bytes do. Hot paths
    /// (each rendered frame sorts its connections and devices) used to format two strings
    /// per comparison.
    package func precedes(_ other: UUID) -> Bool {
        let (a, b) = (halves, other.halves)
        return a.high != b.high ? a.high < b.high : a.low < b.low
    }

    /// The 16 bytes as two big-endian integers.
    private var halves: (high: UInt64, low: UInt64) {
        withUnsafeBytes(of: uuid) { raw in
            (UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)), UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }
}
