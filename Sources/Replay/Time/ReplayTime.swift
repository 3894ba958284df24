package import SceneLedger

/// A moment of a session, as `scenecast replay --at` takes it:
/// - an ISO-8601 time: `2026-11-24T21:03:00Z`, `2026-11-24T22:03:00.5+01:00`;
/// - an offset from the session's start: `90s`, `1m30s`, `1h2m`, `250ms`, `1.5s`,
///   `+00:01:30`, `+01:30`, `00:01:30.250`;
/// - a version: `v1234`.
package enum ReplayTime: Sendable, Equatable {
    case absolute(micros: Int64)
    case offset(micros: Int64)
    case version(Int64)

    package static func parse(_ text: String) throws(ReplayError) -> ReplayTime {
        let t = text.trimmingCharacters(in: .whitespaces)
        func bad() -> ReplayError {
            ReplayError(
                .invalidTime,
                "\"\(text)\" is not a time: give an ISO-8601 time (2026-11-24T21:03:00Z), an offset from the session's start (90s, 1m30s, +00:01:30) or a version (v1234)"
            )
        }
        guard !t.isEmpty else { throw bad() }
        if t.first == "v" || t.first == "V" {
            guard let v = Int64(t.dropFirst()), v >= 0 else { throw bad() }
            return .version(v)
        }
        if t.count >= 19, t.contains("-"), let micros = AuditTime.parseISO(t) {
            return .absolute(micros: micros)
        }
        let body = t.first == "+" ? String(t.dropFirst()) : t
        if body.contains(":") {
            guard let micros = clockOffset(body) else { throw bad() }
            return .offset(micros: micros)
        }
        guard let micros = unitOffset(body) else { throw bad() }
        return .offset(micros: micros)
    }

    /// `HH:MM:SS[.fff]` or `MM:SS[.fff]`.
    static func clockOffset(_ s: String) -> Int64? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        guard let seconds = decimalMicros(parts.last!), seconds < 60_000_000 else { return nil }
        var total = seconds
        let whole = parts.dropLast().map { Int64($0) }
        guard whole.allSatisfy({ $0 != nil && $0! >= 0 }), parts.dropLast().allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        if parts.count == 3 {
            guard whole[1]! < 60 else { return nil }
            total += whole[0]! * 3_600_000_000 + whole[1]! * 60_000_000
        } else {
            total += whole[0]! * 60_000_000
        }
        return total
    }

    /// A sequence of `<number><unit>` with units h, m, s, ms in that order, like `1m30s`.
    static func unitOffset(_ s: String) -> Int64? {
        let units: [(String, Int64)] = [("h", 3_600_000_000), ("ms", 1_000), ("m", 60_000_000), ("s", 1_000_000)]
        let rank = ["h": 0, "m": 1, "s": 2, "ms": 3]
        var rest = Substring(s)
        var total: Int64 = 0
        var lastRank = -1
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            guard rank[unit]! > lastRank else { return nil }
            lastRank = rank[unit]!
            guard let micros = decimalMicros(String(number)) else { return nil }
            // decimalMicros reads seconds; rescale to the unit.
            let (scaled, overflow) = micros.multipliedReportingOverflow(by: scale)
            guard !overflow else { return nil }
            total += scaled / 1_000_000
        }
        return total
    }

    /// A non-negative decimal number of seconds (up to 6 decimals) in microseconds.
    static func decimalMicros(_ s: String) -> Int64? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int64(parts[0]), whole >= 0, whole < 10_000_000_000, !parts[0].contains("+") else { return nil }
        var micros = whole * 1_000_000
        if parts.count == 2 {
            let f = parts[1]
            guard !f.isEmpty, f.count <= 6, f.allSatisfy(\.isNumber), let digits = Int64(f) else { return nil }
            var scale: Int64 = 1
            for _ in f.count..<6 { scale *= 10 }
            micros += digits * scale
        }
        return micros
    }
}

import Foundation
