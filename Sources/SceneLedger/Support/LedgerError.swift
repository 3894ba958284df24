/// The one error type of the SceneLedger module.
///
/// Every failure that leaves this module is a `LedgerError`: a stable machine-readable
/// `code`, a sentence for people, and the underlying cause where there is one
/// (a libpq message, a zstd code, a decoding failure). C errors are mapped to it once,
/// at the boundary where the C call is made.
public struct LedgerError: Error, CustomStringConvertible, Sendable {
    /// A stable identifier for the kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        package init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The database could not be reached or the connection broke.
        public static let connection = Code("connection")
        /// A statement failed on the server.
        public static let query = Code("query")
        /// Another writer holds the scene's lease with a newer epoch.
        public static let fenced = Code("fenced")
        /// `append(expectedVersion:)` did not match the scene's head.
        public static let conflict = Code("conflict")
        /// A scene, session, snapshot or event was not found.
        public static let notFound = Code("not_found")
        /// Stored bytes could not be decoded (payload, snapshot, row).
        public static let decoding = Code("decoding")
        /// Input that does not form valid JSON or violates the schema.
        public static let invalidJSON = Code("invalid_json")
        /// Compression or decompression failed.
        public static let compression = Code("compression")
        /// The embedded PostgreSQL server could not be set up, started or stopped.
        public static let embeddedServer = Code("embedded_server")
        /// A migration file is missing, out of order or failed.
        public static let migration = Code("migration")
        /// The writer was shut down before the append was committed.
        public static let shutdown = Code("shutdown")
        /// A caller broke an API precondition (an empty append, say).
        public static let invalidArgument = Code("invalid_argument")
        /// Files shipped beside the executable (migrations, the web client) are missing.
        public static let resourcesMissing = Code("resources_missing")
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
        if let underlying {
            return "\(message) (\(underlying))"
        }
        return message
    }
}

/// A plain text cause, for C libraries that only report strings.
package struct CErrorMessage: Error, CustomStringConvertible, Sendable {
    package let text: String
    package init(_ text: String) {
        self.text = text.trimmingTrailingWhitespace()
    }
    package var description: String { text }
}

extension String {
    package func trimmingTrailingWhitespace() -> String {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
