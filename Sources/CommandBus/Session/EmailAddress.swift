/// A plausible email address, as a `join` may give one for the audit identity (`actors`).
///
/// Not a full RFC 5322 parser: it accepts the common form `local@domain.tld` and refuses
/// what is clearly not an address. Pure.
///
/// - at most 254 characters in all (RFC 5321's path limit), ASCII only;
/// - exactly one `@`; the local part 1 to 64 characters of letters, digits and
///   ``!#$%&'*+-/=?^_`{|}~.``, not starting or ending with a dot, without two dots in a row;
/// - the domain at least two labels separated by dots, each 1 to 63 letters, digits or
///   hyphens, not starting or ending with a hyphen; the last label (the top-level domain)
///   at least two letters.
package struct EmailAddress: Sendable, Equatable, CustomStringConvertible {
    package static let maxLength = 254
    package static let maxLocalLength = 64
    package static let maxLabelLength = 63

    /// The address as given.
    package let value: String

    /// nil when `text` is not a plausible address.
    package init?(_ text: String) {
        guard Self.isPlausible(text) else { return nil }
        value = text
    }

    package var description: String { value }

    static let localSymbols = Set("!#$%&'*+-/=?^_`{|}~.".utf8)

    static func isPlausible(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (3...maxLength).contains(bytes.count), bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return false }
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return isLocalPart(Array(parts[0])) && isDomain(Array(parts[1]))
    }

    private static func isLocalPart(_ local: [UInt8]) -> Bool {
        guard (1...maxLocalLength).contains(local.count), local.first != UInt8(ascii: "."), local.last != UInt8(ascii: ".") else {
            return false
        }
        guard local.allSatisfy({ isAlphanumeric($0) || localSymbols.contains($0) }) else { return false }
        return !zip(local, local.dropFirst()).contains { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }
    }

    private static func isDomain(_ domain: [UInt8]) -> Bool {
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        for label in labels {
            guard (1...maxLabelLength).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                label.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") })
            else { return false }
        }
        let top = labels[labels.count - 1]
        return top.count >= 2 && top.allSatisfy(isLetter)
    }

    private static func isLetter(_ b: UInt8) -> Bool { (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) }
    private static func isAlphanumeric(_ b: UInt8) -> Bool { isLetter(b) || (0x30...0x39).contains(b) }
}
