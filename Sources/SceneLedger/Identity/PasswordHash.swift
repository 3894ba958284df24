import Crypto
import _CryptoExtras
package import Foundation

/// A stored password (issue #18): PBKDF2-HMAC-SHA256 with a random 16-byte salt and at
/// least `minimumRounds` rounds, kept as one self-describing string,
/// `pbkdf2-sha256$<rounds>$<salt, base64>$<key, base64>`, so the rounds can rise later
/// without breaking the hashes already stored. The password itself is never kept or logged.
package struct PasswordHash: Sendable, Equatable, CustomStringConvertible {
    /// OWASP's figure for PBKDF2-HMAC-SHA256 (2023).
    package static let minimumRounds = 600_000
    static let scheme = "pbkdf2-sha256"
    static let keyBytes = 32

    package let rounds: Int
    let salt: [UInt8]
    let key: [UInt8]

    /// Hashes `password` with a fresh salt. Slow on purpose: about 0.2 s of one core at the
    /// default rounds on the 2-core machines here, so keep it off the cooperative pool
    /// when many sign in at once.
    package init(hashing password: String, rounds: Int = minimumRounds) throws(LedgerError) {
        guard rounds >= Self.minimumRounds else {
            throw LedgerError(.invalidArgument, "A password hash needs at least \(Self.minimumRounds) PBKDF2 rounds, not \(rounds)")
        }
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        self.init(rounds: rounds, salt: salt, key: try Self.derive(password, salt: salt, rounds: rounds))
    }

    private init(rounds: Int, salt: [UInt8], key: [UInt8]) {
        self.rounds = rounds
        self.salt = salt
        self.key = key
    }

    /// Reads a stored hash; anything but the exact format is `invalidArgument`.
    package init(stored text: String) throws(LedgerError) {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.scheme, let rounds = Int(parts[1]), rounds >= Self.minimumRounds,
            let salt = Data(base64Encoded: String(parts[2])), salt.count >= 16,
            let key = Data(base64Encoded: String(parts[3])), key.count == Self.keyBytes
        else {
            throw LedgerError(
                .invalidArgument,
                "A stored password hash is not in the form \(Self.scheme)$ROUNDS$SALT$KEY with at least \(Self.minimumRounds) rounds; set the password again")
        }
        self.init(rounds: rounds, salt: Array(salt), key: Array(key))
    }

    /// The form to store.
    package var stored: String {
        "\(Self.scheme)$\(rounds)$\(Data(salt).base64EncodedString())$\(Data(key).base64EncodedString())"
    }

    /// Names the scheme and rounds only: a hash printed by mistake gives nothing away.
    package var description: String { "\(Self.scheme) (\(rounds) rounds)" }

    /// Whether `password` is the one hashed, compared in constant time.
    package func verify(_ password: String) -> Bool {
        guard let candidate = try? Self.derive(password, salt: salt, rounds: rounds), candidate.count == key.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(candidate, key) { difference |= a ^ b }
        return difference == 0
    }

    private static func derive(_ password: String, salt: [UInt8], rounds: Int) throws(LedgerError) -> [UInt8] {
        do {
            let key = try KDF.Insecure.PBKDF2.deriveKey(
                from: Array(password.utf8), salt: salt, using: .sha256, outputByteCount: keyBytes, rounds: rounds)
            return key.withUnsafeBytes { Array($0) }
        } catch {
            throw LedgerError(.invalidArgument, "PBKDF2 failed", underlying: error)
        }
    }
}
