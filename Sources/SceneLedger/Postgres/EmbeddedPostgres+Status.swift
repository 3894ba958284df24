import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether a server runs on a cluster, read from `postmaster.pid` and its socket.
extension EmbeddedPostgres {
    /// The state of the cluster in a data directory.
    package enum Status: Sendable, Equatable {
        /// No cluster has been created yet.
        case notInitialized
        /// The cluster exists and no server answers on it.
        case stopped
        /// A server runs on the cluster and accepts connections on its socket.
        case running(pid: Int32, socketDirectory: String, port: Int)
    }

    /// The lines of `postmaster.pid` this manager relies on.
    package struct PidFile: Sendable, Equatable {
        package var pid: Int32
        package var port: Int
        /// The first of `unix_socket_directories`, empty when the server has none.
        package var socketDirectory: String
        /// `starting`, `ready`, `stopping` or `standby` (PostgreSQL 10 and later).
        package var state: String

        package init(pid: Int32, port: Int, socketDirectory: String, state: String) {
            self.pid = pid
            self.port = port
            self.socketDirectory = socketDirectory
            self.state = state
        }

        /// Parses the file's text: line 1 is the pid, 4 the port, 5 the first socket
        /// directory, 8 the state. Nil when the file is too short or malformed, as it
        /// may be for a moment while the server writes it.
        package static func parse(_ text: String) -> PidFile? {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard lines.count >= 5, let pid = Int32(lines[0]), pid > 0, let port = Int(lines[3]) else {
                return nil
            }
            let state = lines.count >= 8 ? lines[7] : ""
            return PidFile(pid: pid, port: port, socketDirectory: lines[4], state: state)
        }

        /// Reads `<clusterDirectory>/postmaster.pid`, nil when absent or unreadable.
        package static func read(clusterDirectory: String) -> PidFile? {
            guard let data = FileManager.default.contents(atPath: "\(clusterDirectory)/postmaster.pid") else {
                return nil
            }
            return parse(String(decoding: data, as: UTF8.self))
        }
    }

    /// The state of this manager's cluster. Cheap and synchronous: it reads the pid file,
    /// checks the process and tries to connect to the socket, and starts no program.
    package func status() -> Status {
        Self.status(clusterDirectory: clusterDirectory)
    }

    /// Whether a server runs on the cluster of `dataDirectory` (the directory holding
    /// `pgdata`, relative paths resolved against the current directory) and accepts
    /// connections on its socket. For health checks.
    package static func isRunning(dataDirectory: String) -> Bool {
        if case .running = status(clusterDirectory: absolutePath(dataDirectory) + "/pgdata") {
            return true
        }
        return false
    }

    static func status(clusterDirectory: String) -> Status {
        guard FileManager.default.fileExists(atPath: "\(clusterDirectory)/PG_VERSION") else {
            return .notInitialized
        }
        guard let pidFile = PidFile.read(clusterDirectory: clusterDirectory),
            processExists(pidFile.pid),
            !pidFile.socketDirectory.isEmpty,
            socketAccepts(socketPath(directory: pidFile.socketDirectory, port: pidFile.port))
        else {
            return .stopped
        }
        return .running(pid: pidFile.pid, socketDirectory: pidFile.socketDirectory, port: pidFile.port)
    }

    /// Whether a process with this id exists (one of another user counts).
    static func processExists(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// The path of the server's socket in `directory`.
    package static func socketPath(directory: String, port: Int) -> String {
        "\(directory)/.s.PGSQL.\(port)"
    }

    /// Whether something listens on the unix socket at `path`.
    static func socketAccepts(_ path: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }
}
