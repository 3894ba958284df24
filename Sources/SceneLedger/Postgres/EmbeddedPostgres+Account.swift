import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The unprivileged system account that runs the server when the caller is root.
///
/// PostgreSQL refuses to run as root. When `scenecast` runs as root, `initdb`, `pg_ctl`
/// and the server run as `postgres` (created by Debian's server package) or, failing
/// that, `nobody`; the data and socket directories are handed to that account.
extension EmbeddedPostgres {
    package struct Account: Sendable, Equatable {
        package let name: String
        package let uid: UInt32
        package let gid: UInt32
        /// Primary and supplementary groups.
        package let groups: [UInt32]

        /// The account the server must run as, or nil when the caller is not root and
        /// runs the server itself.
        package static func forServer() throws(LedgerError) -> Account? {
            guard geteuid() == 0 else { return nil }
            if let account = lookup("postgres") ?? lookup("nobody") {
                return account
            }
            throw LedgerError(
                .embeddedServer,
                "PostgreSQL cannot run as root and neither a `postgres` nor a `nobody` account exists to run it; "
                    + "create a `postgres` system user or pass --database URL."
            )
        }

        /// Looks up a user in the system's account database.
        package static func lookup(_ name: String) -> Account? {
            var entry = passwd()
            var found: UnsafeMutablePointer<passwd>? = nil
            let bufferSize = 16 * 1024
            var buffer = [CChar](repeating: 0, count: bufferSize)
            let rc = getpwnam_r(name, &entry, &buffer, bufferSize, &found)
            guard rc == 0, found != nil else { return nil }
            let uid = entry.pw_uid
            let gid = entry.pw_gid

            var count: Int32 = 32
            var groups = [gid_t](repeating: 0, count: Int(count))
            while getgrouplist(name, gid, &groups, &count) == -1 {
                groups = [gid_t](repeating: 0, count: Int(count) + 1)
                count = Int32(groups.count)
            }
            return Account(name: name, uid: uid, gid: gid, groups: Array(groups.prefix(Int(count))))
        }

        /// Whether this account may search (traverse) the directory described by `info`.
        ///
        /// The usual POSIX rule: the owner class is decided by the first match among
        /// owner, group and other, and only that class's execute bit counts.
        func canTraverse(_ info: stat) -> Bool {
            if uid == 0 { return true }
            if info.st_uid == uid { return info.st_mode & S_IXUSR != 0 }
            if info.st_gid == gid || groups.contains(info.st_gid) { return info.st_mode & S_IXGRP != 0 }
            return info.st_mode & S_IXOTH != 0
        }

        /// The first existing directory on the way to `path` (its ancestors, not the path
        /// itself) that this account cannot enter, or nil when the way is open.
        package func firstUntraversableAncestor(of path: String) -> String? {
            let components = URL(fileURLWithPath: path).standardizedFileURL.pathComponents.dropLast()
            var current = ""
            for component in components {
                current = current.isEmpty ? component : (current == "/" ? "/\(component)" : "\(current)/\(component)")
                var info = stat()
                guard stat(current, &info) == 0 else { return nil }
                if !canTraverse(info) { return current }
            }
            return nil
        }

        /// Fails with one clear sentence when this account cannot reach `dataDirectory`.
        package func checkTraversable(dataDirectory: String) throws(LedgerError) {
            guard let blocked = firstUntraversableAncestor(of: dataDirectory) else { return }
            throw LedgerError(
                .embeddedServer,
                "The data directory \(dataDirectory) lies inside \(blocked), which the unprivileged `\(name)` account "
                    + "that runs the embedded PostgreSQL server cannot enter; pass --data-dir with a directory "
                    + "under /var/lib or /tmp instead."
            )
        }

        /// Hands a file or directory the caller (root) created to this account.
        func take(_ path: String) throws(LedgerError) {
            guard chown(path, uid, gid) == 0 else {
                let reason = String(cString: strerror(errno))
                throw LedgerError(
                    .embeddedServer,
                    "Could not give \(path) to the `\(name)` account: \(reason)."
                )
            }
        }

        /// The command line that runs `executable` as this account: `runuser` where
        /// util-linux provides it, `setpriv` otherwise.
        func wrap(_ executable: String, _ arguments: [String]) throws(LedgerError) -> (String, [String]) {
            let files = FileManager.default
            for directory in ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] {
                let runuser = "\(directory)/runuser"
                if files.isExecutableFile(atPath: runuser) {
                    return (runuser, ["-u", name, "--", executable] + arguments)
                }
            }
            for directory in ["/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
                let setpriv = "\(directory)/setpriv"
                if files.isExecutableFile(atPath: setpriv) {
                    return (setpriv, ["--reuid=\(uid)", "--regid=\(gid)", "--init-groups", "--", executable] + arguments)
                }
            }
            throw LedgerError(
                .embeddedServer,
                "Neither runuser nor setpriv was found to run PostgreSQL as the `\(name)` account; "
                    + "install util-linux or pass --database URL."
            )
        }
    }
}
