import Foundation
package import SceneLedger

/// ICE settings from `serve --ice-server` and `--ice-address`.
///
/// A server URL is `stun:host[:port]` or `turn:host[:port]` (also `turns:`), with optional
/// credentials as `turn:user:password@host:port` on the command line. Browsers get them in
/// `joined.iceServers` as `{"urls":[...],"username":...,"credential":...}`; webrtcbin gets
/// the first STUN server and every TURN server.
package struct ICEConfiguration: Sendable, Equatable {
    package struct Server: Sendable, Equatable {
        package var url: String
        package var username: String?
        package var credential: String?
    }

    package var servers: [Server]
    /// Host candidates are gathered on these addresses only (empty: every interface).
    package var localAddresses: [String]

    package init(servers: [Server] = [], localAddresses: [String] = []) {
        self.servers = servers
        self.localAddresses = localAddresses
    }

    /// Parses one `--ice-server` value.
    package static func parseServer(_ text: String) throws(StreamerError) -> Server {
        guard let colon = text.firstIndex(of: ":") else {
            throw StreamerError(.configuration, "ICE server \(text) must start with stun:, turn: or turns:")
        }
        let scheme = String(text[..<colon]).lowercased()
        guard ["stun", "turn", "turns"].contains(scheme) else {
            throw StreamerError(.configuration, "ICE server \(text) must start with stun:, turn: or turns:")
        }
        var rest = String(text[text.index(after: colon)...])
        if rest.hasPrefix("//") { rest.removeFirst(2) }
        var username: String?
        var credential: String?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = String(rest[rest.index(after: at)...])
            let parts = userinfo.split(separator: ":", maxSplits: 1).map(String.init)
            username = parts.first?.removingPercentEncoding
            credential = parts.count > 1 ? parts[1].removingPercentEncoding : nil
        }
        guard !rest.isEmpty, !rest.contains("/") else {
            throw StreamerError(.configuration, "ICE server \(text) must name a host, as in stun:stun.example.org:3478")
        }
        if scheme != "stun" && (username == nil || credential == nil) {
            throw StreamerError(.configuration, "TURN server \(text) needs credentials, as in turn:user:password@host:3478")
        }
        return Server(url: "\(scheme):\(rest)", username: username, credential: credential)
    }

    /// Checks one `--ice-address` value (an IPv4 or IPv6 literal).
    package static func checkAddress(_ text: String) throws(StreamerError) {
        var v4 = in_addr()
        var v6 = in6_addr()
        guard inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1 else {
            throw StreamerError(.configuration, "--ice-address \(text) is not an IP address; use one such as 127.0.0.1")
        }
    }

    /// What `joined.iceServers` carries for browsers.
    package var browserServers: [JSONValue] {
        servers.map { server in
            var fields: [String: JSONValue] = ["urls": .array([.string(server.url)])]
            if let username = server.username { fields["username"] = .string(username) }
            if let credential = server.credential { fields["credential"] = .string(credential) }
            return .object(fields)
        }
    }

    /// webrtcbin's `stun-server` value: `stun://host:port`.
    var webrtcSTUN: String? {
        servers.first { $0.url.hasPrefix("stun:") }.map { "stun://" + $0.url.dropFirst(5) }
    }

    /// webrtcbin's `add-turn-server` values: `turn://user:password@host:port`.
    var webrtcTURN: [String] {
        servers.filter { !$0.url.hasPrefix("stun:") }.map { server in
            let colon = server.url.firstIndex(of: ":")!
            let scheme = server.url[..<colon]
            let host = server.url[server.url.index(after: colon)...]
            let user = server.username?.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let pass = server.credential?.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return "\(scheme)://\(user):\(pass)@\(host)"
        }
    }
}
