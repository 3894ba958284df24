import Foundation
import HummingbirdWSClient
import Logging
import NIOWebSocket
import SceneLedger

/// Messages received and not yet read by the test.
actor Inbox {
    private var messages: [JSONValue] = []
    private(set) var closed = false

    func push(_ value: JSONValue) { messages.append(value) }
    func close() { closed = true }
    func pop() -> JSONValue? { messages.isEmpty ? nil : messages.removeFirst() }
}

/// A WebSocket client for `/signal`, driven by the tests like a browser would.
final class SignalClient: Sendable {
    private let inbox = Inbox()
    private let outboxSink: AsyncStream<String>.Continuation
    private let task: Task<Void, any Error>

    init(port: Int) {
        let (outbox, outboxSink) = AsyncStream.makeStream(of: String.self)
        self.outboxSink = outboxSink
        let inbox = self.inbox
        var logger = Logger(label: "test.ws")
        logger.logLevel = .error
        task = Task {
            do {
                try await WebSocketClient.connect(
                    url: "ws://127.0.0.1:\(port)/signal",
                    configuration: .init(maxFrameSize: 1 << 20),
                    logger: logger
                ) { inbound, outbound, _ in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await text in outbox { try await outbound.write(.text(text)) }
                            try await outbound.close(.normalClosure, reason: nil)
                        }
                        for try await message in inbound.messages(maxSize: 1 << 22) {
                            if case .text(let text) = message, let value = try? JSONValue.parse(text) {
                                await inbox.push(value)
                            }
                        }
                        group.cancelAll()
                    }
                }
            } catch {
                await inbox.close()
                throw error
            }
            await inbox.close()
        }
    }

    func send(_ text: String) { outboxSink.yield(text) }

    func send(_ value: JSONValue) { send(value.canonicalString) }

    func close() {
        outboxSink.finish()
    }

    /// The next message, or a failure after `seconds`.
    func next(within seconds: Double = 30) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let message = await inbox.pop() { return message }
            if await inbox.closed { throw TestFailure("the connection closed") }
            if Date() >= deadline { throw TestFailure("no message within \(seconds) s") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Skips messages until one of `type` arrives.
    func next(type: String, within seconds: Double = 30) async throws -> JSONValue {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let message = try await next(within: max(0.1, deadline.timeIntervalSinceNow))
            if message["type"]?.stringValue == type { return message }
        }
        throw TestFailure("no \(type) within \(seconds) s")
    }

    /// Joins and returns (joined, state:full).
    func join(scene: String = "demo", role: String, name: String = "tester") async throws -> (JSONValue, JSONValue) {
        send(["type": "join", "scene": .string(scene), "role": .string(role), "name": .string(name)])
        let joined = try await next(type: "joined")
        let full = try await next(type: "state:full")
        return (joined, full)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A command envelope as the browser sends it.
func command(_ type: String, _ data: JSONValue, id: UUID = UUID()) -> JSONValue {
    ["id": .string(id.uuidString.lowercased()), "type": .string(type), "timestamp": 1_764_000_000_000, "data": data]
}
