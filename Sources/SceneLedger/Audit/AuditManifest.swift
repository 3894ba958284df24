package import Foundation

/// The signed description of an audit export, written beside it as `FILE.manifest.json`.
///
/// The signature is Ed25519 over the canonical JSON of every other field (the manifest
/// object without `signature`), so it covers the file's SHA-256, the row count, the first
/// and last hashes, each scene's chain anchors and what the exporter found when it walked
/// each scene's whole chain.
package struct AuditManifest: Sendable, Equatable {
    package static let formatName = "scenecast-audit/1"

    package enum Filter: String, Sendable {
        case scene, session, actor
    }

    /// One scene's part of the export.
    package struct SceneEntry: Sendable, Equatable {
        package var scene: UUID
        package var rows: Int64
        package var firstVersion: Int64
        package var lastVersion: Int64
        /// `prev_hash` of the first exported row: where its chain hangs.
        package var firstPrevHash: [UInt8]
        package var lastHash: [UInt8]
        /// The scene's chain as the exporter verified it in the database, from version 1.
        package var chainVerifiedThrough: Int64
        package var chainHeadHash: [UInt8]
        /// The first break the exporter found in the scene's chain, if any.
        package var chainBreak: String?
    }

    package var file: String
    package var fileFormat: AuditFormat
    package var fileSHA256: [UInt8]
    package var filter: Filter
    package var filterID: UUID
    package var fromMicros: Int64?
    package var toMicros: Int64?
    package var rows: Int64
    package var firstHash: [UInt8]?
    package var lastHash: [UInt8]?
    package var scenes: [SceneEntry]
    package var exportedAtMicros: Int64
    package var publicKey: [UInt8]
    package var signature: [UInt8]

    /// Whether the rows must form one gapless chain per scene (a whole-scene export).
    package var contiguous: Bool { filter == .scene }

    package var anchors: [UUID: AuditChainChecker.Anchor] {
        Dictionary(uniqueKeysWithValues: scenes.map { ($0.scene, .init(firstPrevHash: $0.firstPrevHash, firstVersion: $0.firstVersion)) })
    }

    /// Every field but the signature: what is signed.
    package var unsignedJSON: JSONValue {
        func hex(_ b: [UInt8]?) -> JSONValue { b.map { .string(Hex.encode($0)) } ?? .null }
        func int(_ v: Int64?) -> JSONValue { v.map { .number(Double($0)) } ?? .null }
        func time(_ v: Int64?) -> JSONValue { v.map { .string(AuditTime.iso($0)) } ?? .null }
        return [
            "format": .string(Self.formatName),
            "file": .string(file),
            "file_format": .string(fileFormat.rawValue),
            "file_sha256": hex(fileSHA256),
            "filter": [filter.rawValue: .string(filterID.lowercasedString)],
            "range": ["from": time(fromMicros), "to": time(toMicros), "from_us": int(fromMicros), "to_us": int(toMicros)],
            "rows": int(rows),
            "first_hash": hex(firstHash),
            "last_hash": hex(lastHash),
            "scenes": .array(
                scenes.map { s in
                    [
                        "scene": .string(s.scene.lowercasedString), "rows": int(s.rows), "first_version": int(s.firstVersion),
                        "last_version": int(s.lastVersion), "first_prev_hash": hex(s.firstPrevHash), "last_hash": hex(s.lastHash),
                        "chain_verified_through": int(s.chainVerifiedThrough), "chain_head_hash": hex(s.chainHeadHash),
                        "chain_break": s.chainBreak.map { .string($0) } ?? .null,
                    ]
                }),
            "exported_at": time(exportedAtMicros),
            "exported_at_us": int(exportedAtMicros),
            "public_key": hex(publicKey),
            "signature_algorithm": "ed25519",
        ]
    }

    /// The bytes the signature covers.
    package var signedBytes: [UInt8] { unsignedJSON.canonicalBytes }

    /// The manifest file: the canonical JSON with `signature` added.
    package var fileBytes: [UInt8] {
        guard case .object(var fields) = unsignedJSON else { return [] }
        fields["signature"] = .string(Hex.encode(signature))
        return JSONValue.object(fields).canonicalBytes + [UInt8(ascii: "\n")]
    }

    /// Reads a manifest file; throws `.decoding` naming the field at fault.
    package init(bytes: [UInt8]) throws(LedgerError) {
        let json: JSONValue
        do { json = try JSONValue.parse(bytes.last == 10 ? Array(bytes.dropLast()) : bytes) } catch {
            throw LedgerError(.decoding, "the manifest is not valid JSON", underlying: error)
        }
        func field(_ key: String, in o: JSONValue = json) throws(LedgerError) -> JSONValue {
            guard let v = o[key] else { throw LedgerError(.decoding, "the manifest has no \"\(key)\"") }
            return v
        }
        func string(_ key: String, in o: JSONValue = json) throws(LedgerError) -> String {
            guard let s = try field(key, in: o).stringValue else { throw LedgerError(.decoding, "manifest field \"\(key)\" is not a string") }
            return s
        }
        func hex(_ key: String, in o: JSONValue = json) throws(LedgerError) -> [UInt8] {
            guard let b = Hex.decode(try string(key, in: o)) else { throw LedgerError(.decoding, "manifest field \"\(key)\" is not hex") }
            return b
        }
        func optionalHex(_ key: String, in o: JSONValue = json) throws(LedgerError) -> [UInt8]? {
            if try field(key, in: o) == .null { return nil }
            return try hex(key, in: o)
        }
        func int(_ key: String, in o: JSONValue = json) throws(LedgerError) -> Int64? {
            let v = try field(key, in: o)
            if v == .null { return nil }
            guard let d = v.doubleValue, let i = Int64(exactly: d) else { throw LedgerError(.decoding, "manifest field \"\(key)\" is not an integer") }
            return i
        }
        func uuid(_ key: String, in o: JSONValue) throws(LedgerError) -> UUID {
            guard let id = UUID(uuidString: try string(key, in: o)) else { throw LedgerError(.decoding, "manifest field \"\(key)\" is not a UUID") }
            return id
        }
        guard try string("format") == Self.formatName else {
            throw LedgerError(.decoding, "the manifest's format is not \(Self.formatName)")
        }
        file = try string("file")
        guard let format = AuditFormat(rawValue: try string("file_format")) else {
            throw LedgerError(.decoding, "manifest field \"file_format\" is neither jsonl nor csv")
        }
        fileFormat = format
        fileSHA256 = try hex("file_sha256")
        guard let filterObject = try field("filter").objectValue, filterObject.count == 1, let (key, value) = filterObject.first,
            let kind = Filter(rawValue: key), let idText = value.stringValue, let id = UUID(uuidString: idText)
        else { throw LedgerError(.decoding, "manifest field \"filter\" must name one scene, session or actor") }
        filter = kind
        filterID = id
        let range = try field("range")
        fromMicros = try int("from_us", in: range)
        toMicros = try int("to_us", in: range)
        rows = try int("rows") ?? 0
        firstHash = try optionalHex("first_hash")
        lastHash = try optionalHex("last_hash")
        guard let list = try field("scenes").arrayValue else { throw LedgerError(.decoding, "manifest field \"scenes\" is not a list") }
        var entries: [SceneEntry] = []
        for s in list {
            let breakValue = try field("chain_break", in: s)
            entries.append(
                SceneEntry(
                    scene: try uuid("scene", in: s), rows: try int("rows", in: s) ?? 0, firstVersion: try int("first_version", in: s) ?? 0,
                    lastVersion: try int("last_version", in: s) ?? 0, firstPrevHash: try hex("first_prev_hash", in: s),
                    lastHash: try hex("last_hash", in: s), chainVerifiedThrough: try int("chain_verified_through", in: s) ?? 0,
                    chainHeadHash: try hex("chain_head_hash", in: s), chainBreak: breakValue.stringValue
                ))
        }
        scenes = entries
        exportedAtMicros = try int("exported_at_us") ?? 0
        publicKey = try hex("public_key")
        signature = try hex("signature")
    }

    package init(
        file: String, fileFormat: AuditFormat, fileSHA256: [UInt8], filter: Filter, filterID: UUID, fromMicros: Int64?,
        toMicros: Int64?, rows: Int64, firstHash: [UInt8]?, lastHash: [UInt8]?, scenes: [SceneEntry], exportedAtMicros: Int64,
        publicKey: [UInt8], signature: [UInt8] = []
    ) {
        self.file = file
        self.fileFormat = fileFormat
        self.fileSHA256 = fileSHA256
        self.filter = filter
        self.filterID = filterID
        self.fromMicros = fromMicros
        self.toMicros = toMicros
        self.rows = rows
        self.firstHash = firstHash
        self.lastHash = lastHash
        self.scenes = scenes
        self.exportedAtMicros = exportedAtMicros
        self.publicKey = publicKey
        self.signature = signature
    }
}
