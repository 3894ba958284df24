import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The Ed25519 key that signs audit manifests, kept in a file readable only by its owner
/// (mode 0600) and created on first use. The file holds the 32-byte private key as 64 hex
/// digits and a newline.
package struct AuditSigningKey: Sendable {
    /// The raw 32-byte private key (the Crypto key type is not Sendable, so it is rebuilt per use).
    private let rawKey: [UInt8]
    package let path: String
    /// The 32-byte public key.
    package let publicKey: [UInt8]

    private init(key: Curve25519.Signing.PrivateKey, path: String) {
        self.rawKey = Array(key.rawRepresentation)
        self.publicKey = Array(key.publicKey.rawRepresentation)
        self.path = path
    }

    package func sign(_ bytes: [UInt8]) throws(LedgerError) -> [UInt8] {
        do { return Array(try Curve25519.Signing.PrivateKey(rawRepresentation: rawKey).signature(for: bytes)) } catch {
            throw LedgerError(.invalidArgument, "Signing the audit manifest failed", underlying: error)
        }
    }

    /// True when `signature` is `publicKey`'s Ed25519 signature of `bytes`.
    package static func isValid(signature: [UInt8], of bytes: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: bytes)
    }

    /// Loads the key at `path`, or creates it there (and its folder) when absent.
    package static func loadOrCreate(path: String) throws(LedgerError) -> AuditSigningKey {
        if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
                throw LedgerError(.invalidArgument, "Cannot create the folder \(folder) for the audit key", underlying: error)
            }
        }
        let key = Curve25519.Signing.PrivateKey()
        let text = Array((Hex.encode(key.rawRepresentation) + "\n").utf8)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            // Another process created it first: use theirs.
            if errno == EEXIST { return try load(path: path) }
            throw LedgerError(.invalidArgument, "Cannot create the audit key file \(path) (errno \(errno))")
        }
        defer { close(fd) }
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == text.count, fsync(fd) == 0 else {
            throw LedgerError(.invalidArgument, "Cannot write the audit key file \(path) (errno \(errno))")
        }
        return AuditSigningKey(key: key, path: path)
    }

    static func load(path: String) throws(LedgerError) -> AuditSigningKey {
        var info = stat()
        guard stat(path, &info) == 0 else { throw LedgerError(.notFound, "Cannot read the audit key file \(path)") }
        guard info.st_mode & 0o077 == 0 else {
            throw LedgerError(.invalidArgument, "The audit key file \(path) is readable by others; run chmod 600 on it")
        }
        guard let data = FileManager.default.contents(atPath: path),
            let raw = Hex.decode(String(decoding: data, as: UTF8.self).trimmingTrailingWhitespace()), raw.count == 32,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        else { throw LedgerError(.decoding, "The audit key file \(path) does not hold a 32-byte Ed25519 key in hex") }
        return AuditSigningKey(key: key, path: path)
    }
}
