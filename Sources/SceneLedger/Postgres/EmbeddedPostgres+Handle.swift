import Logging

/// How to reach the embedded server, and whether this process must stop it.
extension EmbeddedPostgres {
    package struct Handle: Sendable {
        /// The server manager this handle came from.
        package let server: EmbeddedPostgres
        let toolchain: Toolchain
        /// The directory holding the server's socket.
        package let socketDirectory: String
        package let port: Int
        /// True when `start()` started the server; only then does `stop()` stop it.
        /// A handle on a server someone else runs (`scenecast serve`) leaves it alone.
        package let ownsServer: Bool

        package var user: String { EmbeddedPostgres.superuser }
        package var database: String { EmbeddedPostgres.databaseName }

        /// A keyword/value connection string for libpq:
        /// `host=<socket dir> port=<port> user=scenecast dbname=scenecast`.
        package var conninfo: String {
            [("host", socketDirectory), ("port", "\(port)"), ("user", user), ("dbname", database)]
                .map { "\($0.0)=\(Self.quoteConninfoValue($0.1))" }
                .joined(separator: " ")
        }

        /// The same as a `postgresql://` URL, the socket directory percent-encoded as host.
        package var connectionURL: String {
            "postgresql://\(Self.percentEncode(user))@\(Self.percentEncode(socketDirectory)):\(port)/"
                + Self.percentEncode(database)
        }

        /// Stops the server with `pg_ctl stop -m fast` when this handle owns it; otherwise
        /// does nothing.
        package func stop() async throws(LedgerError) {
            guard ownsServer else {
                server.logger.info(
                    "Leaving PostgreSQL running; this process did not start it",
                    metadata: ["pgdata": "\(server.clusterDirectory)"]
                )
                return
            }
            try await server.stop(toolchain)
        }

        /// Quotes a conninfo value when it is empty or holds spaces, quotes or backslashes.
        package static func quoteConninfoValue(_ value: String) -> String {
            let needsQuotes = value.isEmpty || value.contains { $0 == "'" || $0 == "\\" || $0.isWhitespace }
            guard needsQuotes else { return value }
            var quoted = "'"
            for character in value {
                if character == "'" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            return quoted + "'"
        }

        /// Percent-encodes every byte except RFC 3986's unreserved characters.
        package static func percentEncode(_ text: String) -> String {
            var encoded = ""
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                    UInt8(ascii: "_"), UInt8(ascii: "~"):
                    encoded.append(Character(Unicode.Scalar(byte)))
                default:
                    let hex = String(byte, radix: 16, uppercase: true)
                    encoded += "%" + (hex.count == 1 ? "0" + hex : hex)
                }
            }
            return encoded
        }
    }
}
