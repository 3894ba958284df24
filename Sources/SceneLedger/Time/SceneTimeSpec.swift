import Foundation

/// A moment of a scene or session as people write it (`scenecast render --at`,
/// `scenecast replay --at/--from/--to`):
/// - a version: `v1234`;
/// - an ISO-8601 time with a zone: `2026-11-24T21:03:00Z`, `2026-11-24T22:03:00.5+01:00`;
/// - an offset from the start: `90s`, `1m30s`, `1h2m`, `250ms`, `1.5s`, or a clock
///   `+00:01:30`, `+01:30`, `00:01:30.250`, with or without the `+`.
///
/// Parsing is exact (integer microseconds, at most six decimals); what the offset counts
/// from (a scene's first event, a session's join) is the caller's business.
package enum SceneTimeSpec: Sendable, Equatable {
    case version(Int64)
    /// Microseconds since the Unix epoch.
    case instant(micros: Int64)
    /// Microseconds after the start.
    case offset(micros: Int64)

    /// The accepted forms, for error messages.
    package static let formats =
        "an ISO-8601 time (2026-11-24T21:03:00Z), an offset from the start (90s, 1m30s, +00:01:30) or a version (v1234)"

    /// The moment `text` names, or nil when it is none of the accepted forms.
    package static func parse(_ text: String) -> SceneTimeSpec? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        if t.first == "v" || t.first == "V" {
            guard let v = Int64(t.dropFirst()), v >= 0 else { return nil }
            return .version(v)
        }
        if t.count >= 19, t.contains("-"), t.contains("T") {
            return AuditTime.parseISO(t).map { .instant(micros: $0) }
        }
        let body = t.first == "+" ? String(t.dropFirst()) : t
        if body.contains(":") { return clockOffset(body).map { .offset(micros: $0) } }
        return unitOffset(body).map { .offset(micros: $0) }
    }

    /// `H:MM:SS[.ffffff]` or `M:SS[.ffffff]`: every field after the first has two digits.
    static func clockOffset(_ s: String) -> Int64? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        guard parts.dropFirst().allSatisfy({ $0.prefix { $0 != "." }.count == 2 }) else { return nil }
        guard let seconds = decimalMicros(parts.last!), seconds < 60_000_000 else { return nil }
        let fields = parts.dropLast()
        guard fields.allSatisfy({ !$0.isEmpty && $0.count <= 9 && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        let whole = fields.map { Int64($0)! }
        if parts.count == 3 {
            guard whole[1] < 60 else { return nil }
            return seconds + whole[0] * 3_600_000_000 + whole[1] * 60_000_000
        }
        return seconds + whole[0] * 60_000_000
    }

    /// `<number><unit>` pairs with units h, m, s, ms, each at most once, largest first: `1m30s`.
    static func unitOffset(_ s: String) -> Int64? {
        let units: [(name: String, micros: Int64, rank: Int)] = [
            ("h", 3_600_000_000, 0), ("ms", 1_000, 3), ("m", 60_000_000, 1), ("s", 1_000_000, 2),
        ]
        var rest = Substring(s)
        var total: Int64 = 0
        var lastRank = -1
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCIIDigit || $0 == "." }
            guard !number.isEmpty else { return nil }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.name) }), unit.rank > lastRank else { return nil }
            rest = rest.dropFirst(unit.name.count)
            lastRank = unit.rank
            // decimalMicros reads the number as seconds; rescale it to the unit.
            guard let micros = decimalMicros(String(number)) else { return nil }
            let (scaled, overflow) = micros.multipliedReportingOverflow(by: unit.micros)
            guard !overflow else { return nil }
            let (sum, sumOverflow) = total.addingReportingOverflow(scaled / 1_000_000)
            guard !sumOverflow else { return nil }
            total = sum
        }
        return total
    }

    /// A non-negative decimal number of seconds, at most six decimals, in microseconds.
    static func decimalMicros(_ s: String) -> Int64? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty, parts[0].count <= 10, parts[0].allSatisfy(\.isASCIIDigit) else { return nil }
        var micros = Int64(parts[0])! * 1_000_000
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 6, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
            var scale: Int64 = 1
            for _ in fraction.count..<6 { scale *= 10 }
            micros += Int64(fraction)! * scale
        }
        return micros
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
