import Foundation
import SceneLedger

/// Reads the fields of one JSON object strictly, naming each field by its full path
/// (`data.position`) in the errors it throws.
struct FieldReader {
    let fields: [String: JSONValue]
    /// Path of the object itself: `data`, `data.model`.
    let path: String

    init(_ value: JSONValue, path: String) throws(CommandError) {
        guard case .object(let fields) = value else {
            throw .wrongType(path, expected: "an object", got: value)
        }
        self.fields = fields
        self.path = path
    }

    func path(of key: String) -> String { "\(path).\(key)" }

    func has(_ key: String) -> Bool { fields[key] != nil }

    /// Rejects the first field (in sorted order) that is not in `allowed`.
    func allowOnly(_ allowed: Set<String>) throws(CommandError) {
        for key in fields.keys.sorted() where !allowed.contains(key) {
            throw .unexpected(path(of: key))
        }
    }

    func value(_ key: String) throws(CommandError) -> JSONValue {
        guard let value = fields[key] else { throw .missing(path(of: key)) }
        return value
    }

    /// Reads `key` with `read` when present; `nil` when absent.
    func optional<T>(_ key: String, _ read: (String) throws(CommandError) -> T) throws(CommandError) -> T? {
        has(key) ? try read(key) : nil
    }

    // MARK: Numbers

    func number(_ key: String) throws(CommandError) -> Double {
        let value = try value(key)
        guard case .number(let d) = value else { throw .wrongType(path(of: key), expected: "a number", got: value) }
        return d
    }

    func number(_ key: String, in range: ClosedRange<Double>) throws(CommandError) -> Double {
        let d = try number(key)
        guard range.contains(d) else {
            throw .outOfRange(path(of: key), "between \(format(range.lowerBound)) and \(format(range.upperBound))")
        }
        return d
    }

    /// A number whose magnitude is at most `limit`.
    func number(_ key: String, magnitudeAtMost limit: Double) throws(CommandError) -> Double {
        try number(key, in: -limit...limit)
    }

    func integer(_ key: String, in range: ClosedRange<Int64>) throws(CommandError) -> Int64 {
        let value = try value(key)
        guard case .number(let d) = value, d == d.rounded(.towardZero) else {
            throw .wrongType(path(of: key), expected: "an integer", got: value)
        }
        guard d >= Double(range.lowerBound), d <= Double(range.upperBound) else {
            throw .outOfRange(path(of: key), "an integer between \(range.lowerBound) and \(range.upperBound)")
        }
        return Int64(d)
    }

    // MARK: Strings and identifiers

    func string(_ key: String) throws(CommandError) -> String {
        let value = try value(key)
        guard case .string(let s) = value else { throw .wrongType(path(of: key), expected: "a string", got: value) }
        return s
    }

    func uuid(_ key: String) throws(CommandError) -> UUID {
        let s = try string(key)
        guard let id = WireUUID.parse(s) else {
            throw CommandError(.invalidID, "field \"\(path(of: key))\" must be a UUID in canonical form")
        }
        return id
    }

    /// A UUID or `null`; the field itself is required.
    func nullableUUID(_ key: String) throws(CommandError) -> UUID? {
        let value = try value(key)
        switch value {
        case .null: return nil
        case .string: return try uuid(key)
        default: throw .wrongType(path(of: key), expected: "a UUID string or null", got: value)
        }
    }

    /// A device name: 1...200 characters, no control characters.
    func name(_ key: String) throws(CommandError) -> String {
        let s = try string(key)
        let limits = CommandLimits.nameLength
        guard limits.contains(s.count) else {
            throw .outOfRange(path(of: key), "between \(limits.lowerBound) and \(limits.upperBound) characters long")
        }
        guard !s.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .outOfRange(path(of: key), "free of control characters")
        }
        return s
    }

    /// A value of a string-backed enum, spelled by its raw value.
    func choice<E: RawRepresentable & CaseIterable>(_ key: String, of type: E.Type) throws(CommandError) -> E
    where E.RawValue == String {
        let s = try string(key)
        guard let choice = E(rawValue: s) else {
            let names = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw .outOfRange(path(of: key), "one of \(names)")
        }
        return choice
    }

    // MARK: Structures

    /// An array of exactly three numbers, each accepted by `range`.
    func vec3(_ key: String, in range: ClosedRange<Double>) throws(CommandError) -> Vec3 {
        let value = try value(key)
        guard case .array(let elements) = value, elements.count == 3,
            case .number(let x) = elements[0], case .number(let y) = elements[1], case .number(let z) = elements[2]
        else {
            throw CommandError(.wrongType, "field \"\(path(of: key))\" must be an array of 3 numbers")
        }
        guard range.contains(x), range.contains(y), range.contains(z) else {
            throw .outOfRange(
                path(of: key), "3 numbers each between \(format(range.lowerBound)) and \(format(range.upperBound))")
        }
        return Vec3(x, y, z)
    }

    /// A position or camera target.
    func coordinates(_ key: String) throws(CommandError) -> Vec3 {
        try vec3(key, in: -CommandLimits.maxCoordinate...CommandLimits.maxCoordinate)
    }

    func rotation(_ key: String) throws(CommandError) -> Vec3 {
        try vec3(key, in: -CommandLimits.maxRotation...CommandLimits.maxRotation)
    }

    func scale(_ key: String) throws(CommandError) -> Vec3 {
        try vec3(key, in: CommandLimits.scaleRange)
    }

    func object(_ key: String) throws(CommandError) -> FieldReader {
        try FieldReader(try value(key), path: path(of: key))
    }

    /// Free-form device metadata: an object of at most 4 KiB in canonical form.
    func metadata(_ key: String) throws(CommandError) -> [String: JSONValue] {
        let fields = try object(key).fields
        let size = JSONValue.object(fields).canonicalBytes.count
        guard size <= CommandLimits.maxMetadataBytes else {
            throw .outOfRange(path(of: key), "at most \(CommandLimits.maxMetadataBytes) bytes as canonical JSON, not \(size)")
        }
        // The ledger caps nesting so that every stored device still fits in a snapshot.
        let depth = JSONValue.object(fields).nestingDepth
        guard depth <= SceneEvent.maxMetadataDepth else {
            throw .outOfRange(path(of: key), "nested at most \(SceneEvent.maxMetadataDepth) levels deep, not \(depth)")
        }
        return fields
    }

    /// `{"builtin": name}` or `{"asset": "<64 lowercase hex digits>"}`.
    func model(_ key: String) throws(CommandError) -> ModelRef {
        let model = try object(key)
        try model.allowOnly(["builtin", "asset"])
        switch (model.has("builtin"), model.has("asset")) {
        case (true, true):
            throw CommandError(.unexpectedField, "field \"\(model.path)\" must have only one of \"builtin\" and \"asset\"")
        case (false, false):
            throw CommandError(.missingField, "field \"\(model.path)\" must have \"builtin\" or \"asset\"")
        case (true, false):
            let name = try model.string("builtin")
            guard CommandLimits.builtinModels.contains(name) else {
                let names = CommandLimits.builtinModels.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
                throw .outOfRange(model.path(of: "builtin"), "one of \(names)")
            }
            return .builtin(name)
        case (false, true):
            let hash = try model.string("asset")
            guard hash.utf8.count == 64, hash.utf8.allSatisfy(WireUUID.isLowerHex) else {
                throw CommandError(.invalidID, "field \"\(model.path(of: "asset"))\" must be 64 lowercase hex digits")
            }
            return .asset(hash)
        }
    }

    private func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }
}
