package import Foundation

/// The wire spelling of UUIDs: canonical 8-4-4-4-12 hex form. Input may use either
/// case; output is always lowercase.
package enum WireUUID {
    /// Parses a canonical UUID string; `nil` for anything else (braces, no hyphens, wrong length).
    package static func parse(_ text: String) -> UUID? {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return nil }
        for (i, b) in bytes.enumerated() {
            switch i {
            case 8, 13, 18, 23:
                guard b == UInt8(ascii: "-") else { return nil }
            default:
                guard isHex(b) else { return nil }
            }
        }
        return UUID(uuidString: text)
    }

    /// The lowercase canonical form.
    package static func format(_ id: UUID) -> String {
        id.uuidString.lowercased()
    }

    static func isHex(_ b: UInt8) -> Bool {
        isLowerHex(b) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F"))
    }

    static func isLowerHex(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f"))
    }
}
