import Foundation
import Testing

import CommandBus
import SceneLedger

/// The optional `email` of a join: plausible addresses pass, everything else is an
/// `out_of_range` (or `wrong_type`) error naming the field, so nothing is recorded.
@Suite("join email")
struct JoinEmailTests {
    static let scene = "6f1c2a4e-8d3b-4c1a-9e2f-0a1b2c3d4e5f"

    func join(email: JSONValue?) -> Result<JoinRequest, CommandError> {
        var fields: [String: JSONValue] = ["type": "join", "scene": .string(Self.scene), "role": "driver", "name": "Ada"]
        if let email { fields["email"] = email }
        return JoinRequest.decode(JSONValue.object(fields).canonicalBytes)
    }

    @Test(
        "plausible addresses are accepted as given",
        arguments: [
            "ada@example.com", "a@b.co", "Ada.Lovelace+scenecast@mail.example.org", "o'brien@example.ie", "x_y-z@sub-domain.example.com",
            String(repeating: "a", count: 64) + "@example.com",
        ])
    func accepted(_ address: String) throws {
        let request = try join(email: .string(address)).get()
        #expect(request.email?.value == address)
    }

    @Test(
        "implausible addresses are refused with out_of_range naming the field",
        arguments: [
            "ada", "ada@", "@example.com", "ada@example", "ada@@example.com", "a@b@example.com", "ada example@example.com",
            "ada@example.c", "ada@example.c0m", ".ada@example.com", "ada.@example.com", "a..da@example.com", "ada@-example.com",
            "ada@example-.com", "ada@exa_mple.com", "ada@example..com", "ada@.example.com", "adä@example.com", "ada@exämple.com",
            "ada\n@example.com", "<ada@example.com>", String(repeating: "a", count: 65) + "@example.com",
            "ada@" + String(repeating: "b", count: 64) + ".com",
            "ada@" + Array(repeating: String(repeating: "b", count: 60), count: 5).joined(separator: ".") + ".com",
        ])
    func refused(_ address: String) throws {
        guard case .failure(let error) = join(email: .string(address)) else {
            Issue.record("\(address) was accepted")
            return
        }
        #expect(error.code == .outOfRange)
        #expect(error.message.contains("\"email\""))
    }

    @Test("no email, or an empty one, is none; a non-string is wrong_type")
    func absent() throws {
        #expect(try join(email: nil).get().email == nil)
        #expect(try join(email: "").get().email == nil)
        guard case .failure(let error) = join(email: .number(42)) else {
            Issue.record("a number was accepted as an email")
            return
        }
        #expect(error.code == .wrongType && error.message.contains("\"email\""))
    }

    @Test("the length limit is 254 characters in all")
    func length() {
        let local = String(repeating: "a", count: 60)
        let labels = Array(repeating: String(repeating: "b", count: 61), count: 3).joined(separator: ".")
        let exact = local + "@" + labels + "." + String(repeating: "c", count: 254 - local.count - 1 - labels.count - 1)
        #expect(exact.utf8.count == 254)
        #expect(EmailAddress(exact) != nil)
        #expect(EmailAddress(exact + "c") == nil)
    }
}
