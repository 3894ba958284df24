import Foundation

/// A moment of a scene as people write it (`scenecast render --at`, replay):
/// - a version: `v1234`;
/// - an ISO-8601 time: `2026-11-24T21:05:00Z`, fractional seconds allowed;
/// - an offset from the scene's first event: `90s`, `1m30s`, `2h`, `1.5s`, `250ms`,
///   `+00:01:30` (h:mm:ss) or `+01:30` (m:ss), with or without the `+`.
package enum SceneTimeSpec: Equatable, Sendable {
    case version(Int64)
    /// Microseconds since the Unix epoch.
    case instant(micros: Int64)
    /// Microseconds after the scene's first event.
    case offset(micros: Int64)

    package static let formats = "a version like v1234, an ISO-8601 time, or an offset from the scene's start like 90s, 1m30s or +00:01:30"

    package static func parse(_ raw: String) throws(RendererError) -> SceneTimeSpec {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let failure = RendererError(.invalidArgument, "\"\(raw)\" is not a time: use \(formats)")
        if text.hasPrefix("v") {
            guard let version = Int64(text.dropFirst()), version >= 0 else { throw failure }
            return .version(version)
        }
        if let micros = instant(text) { return .instant(micros: micros) }
        let body = text.hasPrefix("+") ? String(text.dropFirst()) : text
        if let micros = clock(body) ?? units(body) { return .offset(micros: micros) }
        throw failure
    }

    /// `2026-11-24T21:05:00Z`, with or without fractional seconds.
    private static func instant(_ text: String) -> Int64? {
        guard text.contains("T") else { return nil }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = plain.date(from: text) ?? fractional.date(from: text) else { return nil }
        return Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// `h:mm:ss` or `m:ss`, seconds possibly fractional.
    private static func clock(_ text: String) -> Int64? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        let whole = parts.dropLast().map { Int64($0) }
        guard whole.allSatisfy({ $0 != nil && $0! >= 0 }), let seconds = Double(parts.last!), seconds >= 0, seconds < 60,
            parts.dropFirst().allSatisfy({ $0.count >= 2 })
        else { return nil }
        let minutes = whole.reduce(Int64(0)) { $0 * 60 + $1! }
        if parts.count == 3, whole[1]! >= 60 { return nil }
        return minutes * 60_000_000 + Int64((seconds * 1_000_000).rounded())
    }

    /// A sequence of number-and-unit pairs: `1h2m3.5s`, `250ms`. Each unit at most once, largest first.
    private static func units(_ text: String) -> Int64? {
        let scale: [(String, Double)] = [("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000), ("ms", 1_000)]
        var rest = Substring(text)
        var total = 0.0
        var next = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(number), value.isFinite else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard let index = scale.indices.first(where: { scale[$0].0 == unit }), index >= next else { return nil }
            total += value * scale[index].1
            next = index + 1
        }
        guard total < Double(Int64.max / 2) else { return nil }
        return Int64(total.rounded())
    }
}
