package import SceneLedger

/// A resolved point of a session's scene: a version, or a scene time.
package enum ReplayTarget: Sendable, Equatable {
    case version(Int64)
    case time(micros: Int64)
}

/// The span of a session, in versions and in scene time; pure.
package struct SessionSpan: Sendable, Equatable {
    package var startMicros: Int64
    package var endMicros: Int64
    package var firstVersion: Int64
    package var lastVersion: Int64

    package init(startMicros: Int64, endMicros: Int64, firstVersion: Int64, lastVersion: Int64) {
        self.startMicros = startMicros
        self.endMicros = endMicros
        self.firstVersion = firstVersion
        self.lastVersion = lastVersion
    }

    /// The span of a session, with `nowMicros` as the end while it is open.
    package init(_ session: SessionInfo, nowMicros: Int64) {
        self.init(
            startMicros: session.startMicros, endMicros: max(session.endMicros ?? nowMicros, session.startMicros),
            firstVersion: session.firstVersion, lastVersion: session.lastVersion)
    }

    /// Resolves a parsed TIME against this span; a time or version outside it is an error.
    package func resolve(_ time: SceneTimeSpec, text: String) throws(ReplayError) -> ReplayTarget {
        switch time {
        case .version(let v):
            guard (firstVersion...lastVersion).contains(v) else {
                throw ReplayError(.outOfRange, "\(text) is outside the session, which spans versions \(firstVersion) to \(lastVersion)")
            }
            return .version(v)
        case .instant(let micros):
            guard (startMicros...endMicros).contains(micros) else {
                throw ReplayError(
                    .outOfRange,
                    "\(text) is outside the session, which runs from \(AuditTime.iso(startMicros)) to \(AuditTime.iso(endMicros))")
            }
            return .time(micros: micros)
        case .offset(let micros):
            let (at, overflow) = startMicros.addingReportingOverflow(micros)
            guard !overflow, at <= endMicros else {
                throw ReplayError(
                    .outOfRange,
                    "\(text) is past the session's end: it lasts \(Self.duration(endMicros - startMicros)) (until \(AuditTime.iso(endMicros)))")
            }
            return .time(micros: at)
        }
    }

    /// `1h02m03.5s`-style text for messages.
    package static func duration(_ micros: Int64) -> String {
        let totalSeconds = Double(micros) / 1e6
        let h = Int(totalSeconds) / 3600
        let m = Int(totalSeconds) / 60 % 60
        let s = totalSeconds - Double(h * 3600 + m * 60)
        let seconds = String(format: h > 0 || m > 0 ? "%.1fs" : "%.3fs", s)
        if h > 0 { return "\(h)h\(m)m\(seconds)" }
        if m > 0 { return "\(m)m\(seconds)" }
        return seconds
    }
}

import Foundation
