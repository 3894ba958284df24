/// The one error type of the Replay module: a stable code, a sentence for people, and the
/// underlying cause (a ledger or renderer error) where there is one.
public struct ReplayError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        package init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A TIME that is none of the accepted forms.
        public static let invalidTime = Code("invalid_time")
        /// A time or version outside the session.
        public static let outOfRange = Code("out_of_range")
        /// No such session.
        public static let unknownSession = Code("unknown_session")
        /// A cursor command that makes no sense now (a speed out of range, say).
        public static let invalidArgument = Code("invalid_argument")
        /// The ledger failed.
        public static let ledger = Code("ledger")
        /// The renderer failed.
        public static let render = Code("render")
    }

    public let code: Code
    public let message: String
    public let underlying: (any Error)?

    package init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        if let underlying { return "\(message) (\(underlying))" }
        return message
    }
}
