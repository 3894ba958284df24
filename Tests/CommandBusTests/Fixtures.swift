import Foundation
import Synchronization
import Testing

import CommandBus
import SceneLedger

/// Shared ids, messages and scenes for the CommandBus tests.
enum Fixture {
    static func id(_ n: Int) -> UUID {
        UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", n))!
    }

    static let commandID = UUID(uuidString: "9b2e4c1a-5d3f-4e7a-8b6c-0d1e2f3a4b5c")!
    static let commandIDString = "9b2e4c1a-5d3f-4e7a-8b6c-0d1e2f3a4b5c"
    static let scene = id(900)
    static let driver = id(100)
    static let observer = id(101)
    static let stranger = id(102)
    static let pump = id(1)
    static let press = id(2)
    static let robot = id(3)
    static let shelf = id(4)
    // Connection ids deliberately not in insertion order.
    static let pumpToPress = id(30)
    static let robotToPump = id(10)
    static let pumpToShelf = id(20)
    static let pressToRobot = id(40)

    /// The raw bytes of a message; `data` is spliced in verbatim so tests can send
    /// anything, including invalid JSON.
    static func message(_ type: String, _ data: String, id: String? = nil, timestamp: String = "1700000000000") -> [UInt8] {
        Array("{\"id\":\"\(id ?? commandIDString)\",\"type\":\"\(type)\",\"timestamp\":\(timestamp),\"data\":\(data)}".utf8)
    }

    static func decode(_ type: String, _ data: String) throws -> ClientCommand {
        try CommandDecoder.decode(message(type, data)).get()
    }

    /// The error decoding a message gives; records an issue when it decodes.
    static func decodeError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> CommandError? {
        switch CommandDecoder.decode(bytes) {
        case .success(let command):
            Issue.record("expected an error, decoded \(command.body)", sourceLocation: sourceLocation)
            return nil
        case .failure(let error):
            return error
        }
    }

    static func decodeError(_ type: String, _ data: String, sourceLocation: SourceLocation = #_sourceLocation) -> CommandError? {
        decodeError(message(type, data), sourceLocation: sourceLocation)
    }

    static func device(_ id: UUID, _ name: String, at position: Vec3 = .zero) -> Device {
        Device(id: id, kind: .workCenter, name: name, model: .builtin("work_center"), position: position)
    }

    /// Four devices, four connections, a driver and an observer.
    static var state: SceneState {
        var state = SceneState(sceneID: scene, name: "Plant 1")
        state.version = 12
        state.sceneTimeMicros = 1_700_000_000_123_456
        for (id, name) in [(pump, "Pump"), (press, "Press"), (robot, "Robot"), (shelf, "Shelf")] {
            state.devices[id] = device(id, name)
        }
        state.connections[pumpToPress] = Connection(id: pumpToPress, source: pump, target: press, kind: .material)
        state.connections[robotToPump] = Connection(id: robotToPump, source: robot, target: pump, kind: .power)
        state.connections[pumpToShelf] = Connection(id: pumpToShelf, source: pump, target: shelf, kind: .data, direction: .both)
        state.connections[pressToRobot] = Connection(id: pressToRobot, source: press, target: robot, kind: .material)
        state.participants[driver] = Participant(id: driver, actor: id(200), role: .driver)
        state.participants[observer] = Participant(id: observer, actor: id(201), role: .observer)
        return state
    }

    static func command(_ body: Command) -> ClientCommand {
        ClientCommand(id: commandID, timestampMillis: 1_700_000_000_000, body: body)
    }
}

/// Hands out `Fixture.id(first)`, `Fixture.id(first + 1)`, ...
final class SequentialIDs: IDGenerator {
    private let next: Mutex<Int>
    init(first: Int) { next = Mutex(first) }
    func makeID() -> UUID {
        next.withLock { n in
            defer { n += 1 }
            return Fixture.id(n)
        }
    }
}

/// A picker with a fixed answer that remembers what it was asked.
final class FakePicker: DevicePicker {
    struct Query: Equatable {
        var camera: Camera
        var x: Double, y: Double
        var width: Int, height: Int
    }
    private let answer: UUID?
    private let queries = Mutex<[Query]>([])
    init(answer: UUID?) { self.answer = answer }
    var asked: [Query] { queries.withLock { $0 } }
    func pick(state: SceneState, camera: Camera, x: Double, y: Double, width: Int, height: Int) -> UUID? {
        queries.withLock { $0.append(Query(camera: camera, x: x, y: y, width: width, height: height)) }
        return answer
    }
}
