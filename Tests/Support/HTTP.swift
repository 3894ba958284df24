import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 client over a socket, enough for `/health`, the JSON API and downloads.
package enum HTTP {
    package static func get(port: Int, path: String, headers: [String: String] = [:]) throws -> (status: Int, body: String) {
        try request(port: port, method: "GET", path: path, body: [], headers: headers)
    }

    package static func post(port: Int, path: String, body: [UInt8], headers: [String: String] = [:]) throws -> (status: Int, body: String) {
        try request(port: port, method: "POST", path: path, body: body, headers: headers)
    }

    package static func request(port: Int, method: String, path: String, body: [UInt8], headers: [String: String] = [:]) throws
        -> (status: Int, body: String)
    {
        let answer = try exchange(port: port, method: method, path: path, body: body, headers: headers)
        return (answer.status, String(decoding: answer.body, as: UTF8.self))
    }

    /// One request; the status, the response head's text and the body's bytes.
    package static func exchange(port: Int, method: String, path: String, body: [UInt8] = [], headers: [String: String] = [:]) throws
        -> (status: Int, head: String, body: [UInt8])
    {
        guard let fd = ServerProcess.connectedSocket(port: port) else { throw HTTPClientFailure("cannot connect to port \(port)") }
        defer { close(fd) }
        let requestHead = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
            + headers.map { "\($0.key): \($0.value)\r\n" }.joined() + "\r\n"
        let bytes = Array(requestHead.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            sent += n
        }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = (0..<max(0, data.count - 3)).first(where: { Array(data[$0..<$0 + 4]) == separator }) else {
            throw HTTPClientFailure("malformed HTTP response")
        }
        let head = String(decoding: data[..<end], as: UTF8.self)
        guard let status = Int(head.split(separator: " ").dropFirst().first ?? "") else { throw HTTPClientFailure("malformed HTTP response") }
        return (status, head, Array(data[(end + 4)...]))
    }
}

/// A request that could not be made or a response that could not be read.
package struct HTTPClientFailure: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
