package import Foundation

/// Strict, typed access to the fields of one JSON object, for decoders of stored data
/// (event payloads, snapshots).
///
/// The set of allowed keys is given up front and anything else is rejected, so schema drift
/// shows up as an error instead of silently dropped data. Every failure is a
/// `LedgerError(.decoding)` whose message names the context (`device.added payload`,
/// `snapshot`) and the dotted path of the field (`camera.target`, `devices[2].id`).
package struct JSONFields {
    package let context: String
    /// Path of this object inside the document; empty at the top level.
    package let path: String
    package let fields: [String: JSONValue]

    /// Checks that `value` is an object whose keys are all in `allowed`.
    package init(_ value: JSONValue, context: String, path: String = "", allowed: Set<String>) throws(LedgerError) {
        guard case .object(let fields) = value else {
            let what = path.isEmpty ? "the document" : "field \"\(path)\""
            throw LedgerError(.decoding, "\(context): \(what) must be an object, got \(value.typeName)")
        }
        // Sorted so that the error names the same field on every run.
        if let extra = fields.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw LedgerError(.decoding, "\(context): unexpected field \"\(JSONFields.join(path, extra))\"")
        }
        self.context = context
        self.path = path
        self.fields = fields
    }

    /// The field `key`; missing is an error.
    package func required(_ key: String) throws(LedgerError) -> JSONField {
        guard let value = fields[key] else {
            throw LedgerError(.decoding, "\(context): missing field \"\(JSONFields.join(path, key))\"")
        }
        return JSONField(value: value, context: context, path: JSONFields.join(path, key))
    }

    /// The field `key`, or `nil` when it is absent. A present `null` is returned as a field
    /// (and rejected by every typed accessor except `nullableUUID`).
    package func optional(_ key: String) -> JSONField? {
        fields[key].map { JSONField(value: $0, context: context, path: JSONFields.join(path, key)) }
    }

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}

/// One JSON value at a known place in a document, with typed strict accessors.
package struct JSONField {
    package let value: JSONValue
    package let context: String
    package let path: String

    package func mismatch(_ expected: String) -> LedgerError {
        LedgerError(.decoding, "\(context): field \"\(path)\" must be \(expected), got \(value.typeName)")
    }

    package func invalid(_ reason: String) -> LedgerError {
        LedgerError(.decoding, "\(context): field \"\(path)\" \(reason)")
    }

    package func string() throws(LedgerError) -> String {
        guard case .string(let s) = value else { throw mismatch("a string") }
        return s
    }

    package func double() throws(LedgerError) -> Double {
        guard case .number(let d) = value else { throw mismatch("a number") }
        return d
    }

    /// Integers travel as JSON numbers, so only those a `Double` holds exactly are accepted.
    package func int64() throws(LedgerError) -> Int64 {
        let d = try double()
        guard d == d.rounded(), abs(d) <= JSONField.maxExactInteger else {
            throw invalid("must be an integer of magnitude at most 2^53, got \(d)")
        }
        return Int64(d)
    }

    package static let maxExactInteger: Double = 9_007_199_254_740_992

    /// A UUID in its canonical lowercase spelling (`SceneEvent` never writes any other).
    package func uuid() throws(LedgerError) -> UUID {
        let s = try string()
        guard let id = UUID(uuidString: s), id.lowercasedString == s else {
            throw invalid("must be a lowercase UUID, got \"\(s)\"")
        }
        return id
    }

    /// A UUID or an explicit `null`.
    package func nullableUUID() throws(LedgerError) -> UUID? {
        if case .null = value { return nil }
        guard case .string = value else { throw mismatch("a UUID string or null") }
        return try uuid()
    }

    /// A `Vec3` written as `[x, y, z]`.
    package func vec3() throws(LedgerError) -> Vec3 {
        guard case .array(let a) = value, a.count == 3,
            case .number(let x) = a[0], case .number(let y) = a[1], case .number(let z) = a[2]
        else { throw mismatch("an array of 3 numbers") }
        return Vec3(x, y, z)
    }

    /// A string-backed enum by its raw value.
    package func rawEnum<T: RawRepresentable & CaseIterable>(_ type: T.Type) throws(LedgerError) -> T
    where T.RawValue == String {
        let s = try string()
        guard let v = T(rawValue: s) else {
            let allowed = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw invalid("must be one of \(allowed), got \"\(s)\"")
        }
        return v
    }

    package func object() throws(LedgerError) -> [String: JSONValue] {
        guard case .object(let o) = value else { throw mismatch("an object") }
        return o
    }

    /// This field as an object with strict keys.
    package func fields(allowed: Set<String>) throws(LedgerError) -> JSONFields {
        try JSONFields(value, context: context, path: path, allowed: allowed)
    }

    /// The elements of an array, each addressed as `path[i]`.
    package func array() throws(LedgerError) -> [JSONField] {
        guard case .array(let a) = value else { throw mismatch("an array") }
        return a.enumerated().map { JSONField(value: $1, context: context, path: "\(path)[\($0)]") }
    }
}

extension UUID {
    /// The canonical spelling of ids in payloads, snapshots and hashes.
    package var lowercasedString: String { uuidString.lowercased() }

    /// The UUID as a JSON string.
    package var json: JSONValue { .string(lowercasedString) }
}

extension Vec3 {
    /// `[x, y, z]`.
    package var json: JSONValue { .array([.number(x), .number(y), .number(z)]) }
}

extension JSONValue {
    /// How deeply this value nests: 1 for a scalar or an empty container, one more per level.
    package var nestingDepth: Int {
        switch self {
        case .array(let a): 1 + (a.map(\.nestingDepth).max() ?? 0)
        case .object(let o): 1 + (o.values.map(\.nestingDepth).max() ?? 0)
        default: 1
        }
    }
}
