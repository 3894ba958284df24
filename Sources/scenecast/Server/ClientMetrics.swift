import Foundation
import SceneLedger
import Synchronization

/// One client's connection-quality report (`POST /api/metrics`, every 5 s from the web
/// client): what its browser measured of the video it receives. Only the figures below are
/// kept; anything else in the body is ignored, and a figure of the wrong type is an error.
struct ClientMetricsReport: Sendable, Equatable {
    var participant: UUID
    var scene: UUID?
    var fps: Double?
    var rttMs: Double?
    var bitrateKbps: Double?
    var lossPercent: Double?
    var decodeMs: Double?
    var latencyP50Ms: Double?
    var latencyP95Ms: Double?
    var latencyP99Ms: Double?

    /// The largest body accepted.
    static let maxBytes = 16 << 10

    struct Rejection: Error, Equatable {
        let code: String
        let message: String
    }

    /// Reads a report; the error names the field at fault.
    static func decode(_ bytes: [UInt8]) -> Result<ClientMetricsReport, Rejection> {
        guard bytes.count <= maxBytes else {
            return .failure(Rejection(code: "too_large", message: "A metrics report may be at most \(maxBytes) bytes."))
        }
        let value: JSONValue
        do { value = try JSONValue.parse(bytes) } catch {
            return .failure(Rejection(code: "bad_json", message: "The body is not JSON: \(error)."))
        }
        guard value.objectValue != nil else {
            return .failure(Rejection(code: "wrong_type", message: "The body must be a JSON object."))
        }
        guard let text = value["participant"]?.stringValue else {
            return .failure(Rejection(code: "missing_field", message: "Field \"participant\" (the session's participant id) is required."))
        }
        guard let participant = UUID(uuidString: text) else {
            return .failure(Rejection(code: "out_of_range", message: "Field \"participant\" must be a UUID."))
        }
        var report = ClientMetricsReport(participant: participant)
        if let scene = value["scene"], scene != .null {
            guard let id = scene.stringValue.flatMap(UUID.init(uuidString:)) else {
                return .failure(Rejection(code: "out_of_range", message: "Field \"scene\" must be a UUID or null."))
            }
            report.scene = id
        }
        let figures: [(path: (String, String), key: WritableKeyPath<ClientMetricsReport, Double?>)] = [
            (("quality", "fps"), \.fps), (("quality", "rttMs"), \.rttMs), (("quality", "bitrateKbps"), \.bitrateKbps),
            (("quality", "lossPercent"), \.lossPercent), (("quality", "decodeMs"), \.decodeMs),
            (("latency", "p50"), \.latencyP50Ms), (("latency", "p95"), \.latencyP95Ms), (("latency", "p99"), \.latencyP99Ms),
        ]
        for (path, key) in figures {
            guard let figure = value[path.0]?[path.1], figure != .null else { continue }
            guard let number = figure.doubleValue, number.isFinite, number >= 0 else {
                return .failure(
                    Rejection(code: "out_of_range", message: "Field \"\(path.0).\(path.1)\" must be a non-negative number or null."))
            }
            report[keyPath: key] = number
        }
        return .success(report)
    }
}

/// The latest report of each client, for `/health`: reports older than a minute no longer
/// count, and at most `capacity` clients are kept (the stalest are dropped first).
final class ClientMetricsBoard: Sendable {
    private struct Entry {
        var report: ClientMetricsReport
        var receivedMicros: Int64
    }

    private let entries = Mutex<[UUID: Entry]>([:])
    private let capacity: Int
    private let maxAgeMicros: Int64

    init(capacity: Int = 1_000, maxAgeSeconds: Int64 = 60) {
        self.capacity = capacity
        self.maxAgeMicros = maxAgeSeconds * 1_000_000
    }

    func record(_ report: ClientMetricsReport, nowMicros: Int64) {
        entries.withLock { entries in
            entries[report.participant] = Entry(report: report, receivedMicros: nowMicros)
            if entries.count > capacity, let stalest = entries.min(by: { $0.value.receivedMicros < $1.value.receivedMicros }) {
                entries.removeValue(forKey: stalest.key)
            }
        }
    }

    struct Summary: Equatable {
        var clients: Int
        var minFps: Double?
        var maxRttMs: Double?
        var maxLossPercent: Double?
        /// The worst client's median input-to-photon latency.
        var worstLatencyP50Ms: Double?
    }

    func summary(nowMicros: Int64) -> Summary {
        let fresh = entries.withLock { entries in
            entries = entries.filter { nowMicros - $0.value.receivedMicros <= maxAgeMicros }
            return entries.values.map(\.report)
        }
        return Summary(
            clients: fresh.count, minFps: fresh.compactMap(\.fps).min(), maxRttMs: fresh.compactMap(\.rttMs).max(),
            maxLossPercent: fresh.compactMap(\.lossPercent).max(), worstLatencyP50Ms: fresh.compactMap(\.latencyP50Ms).max()
        )
    }
}
