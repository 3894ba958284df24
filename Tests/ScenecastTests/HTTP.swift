import Foundation
import ScenecastTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A minimal HTTP/1.1 GET over a socket, enough to read `/health` and `/`.
enum HTTP {
    static func get(port: Int, path: String) throws -> (status: Int, body: String) {
        try request(port: port, method: "GET", path: path, body: [])
    }

    static func post(port: Int, path: String, body: [UInt8]) throws -> (status: Int, body: String) {
        try request(port: port, method: "POST", path: path, body: body)
    }

    static func request(port: Int, method: String, path: String, body: [UInt8]) throws -> (status: Int, body: String) {
        guard let fd = ServerProcess.connectedSocket(port: port) else { throw TestFailure("cannot connect to port \(port)") }
        defer { close(fd) }
        let head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: \(body.count)\r\n\r\n"
        let bytes = Array(head.utf8) + body
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
        let text = String(decoding: data, as: UTF8.self)
        guard let headerEnd = text.range(of: "\r\n\r\n"),
            let status = Int(text.split(separator: " ").dropFirst().first ?? "")
        else { throw TestFailure("malformed HTTP response") }
        return (status, String(text[headerEnd.upperBound...]))
    }
}
