import Foundation
import Testing
@testable import SceneLedger

@Suite("Stored passwords (PBKDF2-SHA256)")
struct PasswordHashTests {
    @Test("a hash verifies its own password only, survives storing, and salts every hash apart")
    func roundTrip() throws {
        let hash = try PasswordHash(hashing: "correct horse battery staple")
        #expect(hash.rounds == PasswordHash.minimumRounds)
        #expect(hash.verify("correct horse battery staple"))
        #expect(!hash.verify("correct horse battery stapl"))
        #expect(!hash.verify(""))
        let stored = try PasswordHash(stored: hash.stored)
        #expect(stored == hash)
        #expect(stored.verify("correct horse battery staple"))
        // The same password twice gives two different stored forms (fresh salts).
        let again = try PasswordHash(hashing: "correct horse battery staple")
        #expect(again.stored != hash.stored)
        // Printing it names only the scheme.
        #expect(!"\(hash)".contains(hash.stored.split(separator: "$")[3]))
        #expect(hash.stored.hasPrefix("pbkdf2-sha256$600000$"))
    }

    @Test("too few rounds and malformed stored forms are refused")
    func refusals() throws {
        #expect(throws: LedgerError.self) { try PasswordHash(hashing: "x", rounds: 1000) }
        let good = try PasswordHash(hashing: "x").stored
        let parts = good.split(separator: "$").map(String.init)
        for bad in [
            "", "pbkdf2-sha256", "md5$600000$\(parts[2])$\(parts[3])", "pbkdf2-sha256$1000$\(parts[2])$\(parts[3])",
            "pbkdf2-sha256$600000$!!!$\(parts[3])", "pbkdf2-sha256$600000$\(parts[2])$AAAA", "\(good)$extra",
        ] {
            let error = #expect(throws: LedgerError.self) { try PasswordHash(stored: bad) }
            #expect(error?.code == .invalidArgument, "\(bad)")
        }
    }
}
