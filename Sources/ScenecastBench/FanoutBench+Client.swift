import ScenecastTerminal
import Foundation
import HummingbirdWSClient
import Logging
import NIOWebSocket
import SceneLedger
import Synchronization

extension FanoutBench {
    /// One participant of the fan-out bench: a WebSocket on `/signal` that joins the demo
    /// scene without video and sends a command every `period`, timing each `ack`.
    ///
    /// Kept light so that hundreds fit beside the server on two cores: only the driver's
    /// first `state:full` is parsed (for a device to drag); every other message is only
    /// counted, and an `ack` (which starts with `{"ref":"`) is recognized by its prefix.
    final class Participant: Sendable {
        enum Kind: Sendable {
            case observer
            case driver
        }

        struct Tally: Sendable {
            /// Command id -> the monotonic time it was sent, in nanoseconds.
            var outstanding: [String: UInt64] = [:]
            var latenciesMillis: [Double] = []
            var sent = 0
            var acked = 0
            var late = 0
            var errors = 0
            var received = 0
            var joined = false
            var closed = false
            var firstError: String?
        }

        let kind: Kind
        let port: Int
        let tally = Mutex(Tally())
        /// The device the driver drags, from its first `state:full`.
        let device = Mutex<String?>(nil)
        private let outbox: AsyncStream<String>
        private let outboxSink: AsyncStream<String>.Continuation

        var joinMessage: String {
            #"{"type":"join","scene":"demo","role":"\#(kind == .driver ? "driver" : "observer")","name":"bench","media":"none"}"#
        }

        init(kind: Kind, port: Int) {
            self.kind = kind
            self.port = port
            (outbox, outboxSink) = AsyncStream.makeStream(of: String.self)
        }

        /// Connects and runs until `close()`; errors end the connection and are tallied.
        func connect() async {
            var logger = Logger(label: "scenecast.bench.fanout")
            logger.logLevel = .critical
            outboxSink.yield(joinMessage)
            do {
                try await WebSocketClient.connect(
                    url: "ws://127.0.0.1:\(port)/signal", configuration: .init(maxFrameSize: 1 << 24), logger: logger
                ) { inbound, outbound, _ in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await text in self.outbox { try await outbound.write(.text(text)) }
                            try? await outbound.close(.normalClosure, reason: nil)
                        }
                        for try await message in inbound.messages(maxSize: 1 << 24) {
                            guard case .text(let text) = message else { continue }
                            self.received(text)
                        }
                        group.cancelAll()
                    }
                }
            } catch {
                tally.withLock { if $0.firstError == nil { $0.firstError = "\(error)" } }
            }
            tally.withLock { $0.closed = true }
        }

        /// Classifies a message by looking at its first bytes only: a presence batch is
        /// tens of kilobytes, and scanning each one for a marker cost the bench's clients more
        /// CPU than the server spent sending them.
        private func received(_ text: String) {
            let now = WallClock.monotonicNanos()
            let utf8 = text.utf8
            if utf8.count < 160, Self.starts(utf8, with: Self.ackPrefix), Self.contains(utf8, Self.ackType, within: 160) {
                let start = text.index(text.startIndex, offsetBy: 8)
                let id = String(text[start..<text.index(start, offsetBy: 36)])
                tally.withLock { t in
                    t.received += 1
                    guard let sentAt = t.outstanding.removeValue(forKey: id) else { return }
                    let millis = Double(now - sentAt) / 1e6
                    t.acked += 1
                    if millis > FanoutBench.lostAfterMillis { t.late += 1 }
                    t.latenciesMillis.append(millis)
                }
                return
            }
            let isError = Self.starts(utf8, with: Self.errorPrefix)
            let wasJoined = tally.withLock { t -> Bool in
                t.received += 1
                if isError && t.joined {
                    t.errors += 1
                    if t.firstError == nil { t.firstError = String(text.prefix(300)) }
                }
                let was = t.joined
                // `joined` is a short message: its type is within its first few kilobytes.
                if !was && Self.contains(utf8, Self.joinedType, within: 4096) { t.joined = true }
                return was
            }
            if isError && !wasJoined {
                // The scene may not be hostable yet (a previous server's lease): try again.
                let (sink, join) = (outboxSink, joinMessage)
                Task {
                    try? await Task.sleep(for: .milliseconds(500))
                    sink.yield(join)
                }
            }
            guard kind == .driver, device.withLock({ $0 == nil }), text.contains(#""type":"state:full""#) else { return }
            if let state = try? JSONValue.parse(text), case .array(let devices)? = state["devices"],
                let id = devices.first?["id"]?.stringValue
            {
                device.withLock { $0 = id }
            }
        }

        static let ackPrefix = Array(#"{"ref":""#.utf8)
        static let ackType = Array(#""type":"ack""#.utf8)
        static let errorPrefix = Array(#"{"code":"#.utf8)
        static let joinedType = Array(#""type":"joined""#.utf8)

        static func starts(_ text: String.UTF8View, with prefix: [UInt8]) -> Bool {
            text.count >= prefix.count && zip(text, prefix).allSatisfy { $0 == $1 }
        }

        /// Whether `needle` occurs in the first `limit` bytes of `text`.
        static func contains(_ text: String.UTF8View, _ needle: [UInt8], within limit: Int) -> Bool {
            let head = Array(text.prefix(limit))
            guard head.count >= needle.count else { return false }
            return head.withUnsafeBufferPointer { h in
                for i in 0...(h.count - needle.count) where h[i] == needle[0] {
                    if (1..<needle.count).allSatisfy({ h[i + $0] == needle[$0] }) { return true }
                }
                return false
            }
        }

        var isJoined: Bool { tally.withLock { $0.joined } && (kind == .observer || device.withLock { $0 != nil }) }

        /// Sends the next command: an orbit for an observer, a drag for the driver.
        func sendCommand(_ n: Int) {
            let id = UUID().uuidString.lowercased()
            let millis = Int64(Date().timeIntervalSince1970 * 1000)
            let text: String
            switch kind {
            case .observer:
                text = #"{"id":"\#(id)","type":"camera:orbit","timestamp":\#(millis),"data":{"dAzimuth":2,"dElevation":0.5}}"#
            case .driver:
                guard let device = device.withLock({ $0 }) else { return }
                let x = Double(n % 40) - 20
                text = #"{"id":"\#(id)","type":"device:drag","timestamp":\#(millis),"data":{"deviceId":"\#(device)","position":[\#(x),0,3]}}"#
            }
            tally.withLock { t in
                t.sent += 1
                t.outstanding[id] = WallClock.monotonicNanos()
            }
            outboxSink.yield(text)
        }

        func close() { outboxSink.finish() }
    }
}
