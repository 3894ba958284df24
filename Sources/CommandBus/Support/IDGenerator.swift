package import Foundation

/// Where the dispatcher gets ids for the entities a command creates without naming one
/// (`device:add` and `connection:create` without an id).
///
/// Production uses `RandomIDGenerator`; tests pass a deterministic one.
package protocol IDGenerator: Sendable {
    func makeID() -> UUID
}

/// Random version 4 UUIDs.
package struct RandomIDGenerator: IDGenerator {
    package init() {}
    package func makeID() -> UUID { UUID() }
}

/// Ids from a closure.
package struct ClosureIDGenerator: IDGenerator {
    private let body: @Sendable () -> UUID
    package init(_ body: @escaping @Sendable () -> UUID) { self.body = body }
    package func makeID() -> UUID { body() }
}
