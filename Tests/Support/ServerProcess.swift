package import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `scenecast` process, started from the binary this test build produced.
package final class ServerProcess: Sendable {
    package let port: Int
    package let process: Process
    package let output: URL

    /// The `scenecast` executable next to the test bundle.
    package static var executable: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // Test runners live in `<build>/debug/<name>.xctest` (a bundle folder on some platforms).
        if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
        return directory.appendingPathComponent("scenecast")
    }

    /// Runs `scenecast <arguments>` to completion and returns its exit status and output.
    package static func run(
        _ arguments: [String], environment: [String: String] = [:], executable: URL = ServerProcess.executable
    ) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "DATABASE_URL")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Starts `scenecast serve` on a free port and waits until it answers.
    package convenience init(database: String, extra: [String] = []) async throws {
        try await self.init(arguments: ["--database", database] + extra)
    }

    /// Starts `scenecast serve` with its own embedded PostgreSQL in `dataDirectory`
    /// (DATABASE_URL is not passed on) and waits until it answers.
    package convenience init(embeddedDataDirectory: String, extra: [String] = []) async throws {
        try await self.init(arguments: ["--data-dir", embeddedDataDirectory] + extra, withoutDatabaseURL: true)
    }

    private init(arguments: [String], withoutDatabaseURL: Bool = false) async throws {
        port = ServerProcess.freePort()
        output = FileManager.default.temporaryDirectory.appendingPathComponent("scenecast-serve-\(port).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process = Process()
        process.executableURL = ServerProcess.executable
        process.arguments = ["serve", "--port", String(port)] + arguments.prefix(2) + ["--log-level", "warning"] + arguments.dropFirst(2)
        if withoutDatabaseURL {
            process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "DATABASE_URL" }
        }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if !process.isRunning {
                throw ServerProcessError("scenecast serve exited early: \(log)")
            }
            if ServerProcess.canConnect(port: port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.terminate()
        throw ServerProcessError("scenecast serve did not start within 60 s: \(log)")
    }

    package var log: String {
        (try? String(contentsOf: output, encoding: .utf8)) ?? ""
    }

    /// A test that fails before `stop()` (a `#require` that throws) must not leave its
    /// server running: it is killed when the last reference goes.
    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Sends SIGTERM and waits for a graceful exit; returns the exit status.
    @discardableResult
    package func stop() async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    package static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    package static func canConnect(port: Int) -> Bool {
        guard let fd = connectedSocket(port: port) else { return false }
        close(fd)
        return true
    }

    /// A TCP socket connected to 127.0.0.1:`port`, or nil; the caller closes it.
    package static func connectedSocket(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if rc != 0 {
            close(fd)
            return nil
        }
        return fd
    }
}

package struct ServerProcessError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
