import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `posix_spawn` and `waitpid`, for the programs the embedded server manager runs.
extension EmbeddedPostgres {
    enum ChildProcess {
        /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34) and
        /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29) are GNU extensions the
        /// Swift Glibc module does not import, so they are looked up at run time.
        private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

        private static func symbol<T>(_ name: String, as type: T.Type) -> T? {
            guard let address = dlsym(nil, name) else { return nil }
            return unsafeBitCast(address, to: type)
        }

        /// Starts `path` with `arguments` in its own process group, standard input from
        /// `/dev/null`, standard output and error to the given descriptors, all other
        /// descriptors closed and every signal at its default disposition.
        static func spawn(
            _ path: String,
            _ arguments: [String],
            environment: [String: String],
            directory: String?,
            output: Int32,
            error: Int32
        ) throws(CErrorMessage) -> pid_t {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            var launchPath = path
            var launchArguments = arguments
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, output, 1)
            posix_spawn_file_actions_adddup2(&actions, error, 2)
            if let directory {
                if let addChdir = symbol("posix_spawn_file_actions_addchdir_np", as: AddChdir.self) {
                    _ = directory.withCString { addChdir(&actions, $0) }
                } else {
                    // Older C libraries: let a shell change directory, then become the program.
                    launchArguments = ["-c", "cd -- \"$0\" && exec \"$@\"", directory, path] + arguments
                    launchPath = "/bin/sh"
                }
            }
            if let addCloseFrom = symbol("posix_spawn_file_actions_addclosefrom_np", as: AddCloseFrom.self) {
                _ = addCloseFrom(&actions, 3)
            }

            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            var emptyMask = sigset_t()
            sigemptyset(&emptyMask)
            var allSignals = sigset_t()
            sigfillset(&allSignals)
            sigdelset(&allSignals, SIGKILL)
            sigdelset(&allSignals, SIGSTOP)
            posix_spawnattr_setsigmask(&attributes, &emptyMask)
            posix_spawnattr_setsigdefault(&attributes, &allSignals)
            posix_spawnattr_setpgroup(&attributes, 0)
            let flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP
            posix_spawnattr_setflags(&attributes, Int16(flags))

            let argv = cStrings([launchPath] + launchArguments)
            let envp = cStrings(environment.map { "\($0.key)=\($0.value)" })
            defer {
                argv.forEach { free($0) }
                envp.forEach { free($0) }
            }
            var pid = pid_t()
            let rc = posix_spawn(&pid, launchPath, &actions, &attributes, argv + [nil], envp + [nil])
            guard rc == 0 else {
                throw CErrorMessage("posix_spawn \(launchPath): \(String(cString: strerror(rc)))")
            }
            return pid
        }

        /// Waits on a dedicated thread for the child to end; returns its exit status, or
        /// 128 plus the number of the signal that ended it.
        static func waitForExit(_ pid: pid_t) async -> Int32 {
            await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
                let waiter = Thread {
                    var status: Int32 = 0
                    var rc: pid_t
                    repeat {
                        rc = waitpid(pid, &status, 0)
                    } while rc == -1 && errno == EINTR
                    guard rc == pid else {
                        continuation.resume(returning: -1)
                        return
                    }
                    let signal = status & 0x7f
                    continuation.resume(returning: signal == 0 ? (status >> 8) & 0xff : 128 + signal)
                }
                waiter.name = "scenecast-waitpid"
                waiter.start()
            }
        }

        private static func cStrings(_ strings: [String]) -> [UnsafeMutablePointer<CChar>?] {
            strings.map { strdup($0) }
        }
    }
}
