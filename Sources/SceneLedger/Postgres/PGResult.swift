import CPq

/// Owns one `PGresult*`, cleared in `deinit`.
///
/// Results never leave the connection's thread: callers read them inside
/// `PGConnection.withResult` and return Sendable values.
package final class PGResult {
    let raw: OpaquePointer?

    init(_ raw: OpaquePointer?) { self.raw = raw }
    deinit { if let raw { PQclear(raw) } }

    var status: ExecStatusType { PQresultStatus(raw) }

    package var rowCount: Int { Int(PQntuples(raw)) }
    package var columnCount: Int { Int(PQnfields(raw)) }

    package func isNull(_ row: Int, _ column: Int) -> Bool {
        PQgetisnull(raw, Int32(row), Int32(column)) == 1
    }

    package func length(_ row: Int, _ column: Int) -> Int {
        Int(PQgetlength(raw, Int32(row), Int32(column)))
    }

    /// The raw bytes of a value (binary or text format).
    package func bytes(_ row: Int, _ column: Int) -> UnsafeRawBufferPointer {
        let n = length(row, column)
        guard let p = PQgetvalue(raw, Int32(row), Int32(column)) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: p, count: n)
    }

    package func text(_ row: Int, _ column: Int) -> String? {
        if isNull(row, column) { return nil }
        return String(decoding: bytes(row, column), as: UTF8.self)
    }

    func textRows() -> PGRows {
        var rows: [[String?]] = []
        rows.reserveCapacity(rowCount)
        for r in 0..<rowCount {
            rows.append((0..<columnCount).map { text(r, $0) })
        }
        let columns = (0..<columnCount).map { String(cString: PQfname(raw, Int32($0))) }
        return PGRows(columns: columns, rows: rows, affected: Int(String(cString: PQcmdTuples(raw))) ?? 0)
    }

    /// The failure this result reports, if any, mapped to `LedgerError`.
    func error(context: String) -> LedgerError? {
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_EMPTY_QUERY, PGRES_SINGLE_TUPLE:
            return nil
        default:
            let server = PGServerError(result: self)
            let code: LedgerError.Code =
                switch server.sqlState {
                case PGServerError.fencedState: .fenced
                case PGServerError.headMismatchState: .conflict
                case "08000", "08003", "08006", "57P01", "57P02", "57P03": .connection
                default: .query
                }
            let summary = context.split(separator: "\n").first.map { String($0.prefix(80)) } ?? ""
            return LedgerError(code, server.message.isEmpty ? "PostgreSQL failed: \(summary)" : server.message, underlying: server)
        }
    }
}

/// A server-side failure, with its SQLSTATE.
package struct PGServerError: Error, CustomStringConvertible, Sendable {
    package let sqlState: String
    package let message: String
    package let detail: String?

    /// Raised by `scenecast_claim_batch` when a writer's lease epoch is not current.
    package static let fencedState = "SC409"
    /// Raised by `scenecast_claim_batch` when the lease's head version differs.
    package static let headMismatchState = "SC412"
    package static let uniqueViolation = "23505"

    init(result: PGResult) {
        func field(_ code: Int32) -> String? {
            guard let p = PQresultErrorField(result.raw, code) else { return nil }
            return String(cString: p)
        }
        // PG_DIAG_* are macros over character codes.
        self.sqlState = field(Int32(UInt8(ascii: "C"))) ?? ""
        let primary = field(Int32(UInt8(ascii: "M")))
        let whole = result.raw.flatMap { PQresultErrorMessage($0) }.map { String(cString: $0) } ?? ""
        self.message = (primary ?? whole).trimmingTrailingWhitespace()
        self.detail = field(Int32(UInt8(ascii: "D")))
    }

    package var description: String {
        "SQLSTATE \(sqlState): \(message)" + (detail.map { " (\($0))" } ?? "")
    }
}

/// Rows of a text-format result, copied out so they can cross threads.
package struct PGRows: Sendable {
    package let columns: [String]
    package let rows: [[String?]]
    /// Rows inserted, updated or deleted, for commands that report it.
    package let affected: Int

    package var first: [String?]? { rows.first }
    package var isEmpty: Bool { rows.isEmpty }
}
