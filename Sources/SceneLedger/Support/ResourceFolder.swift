package import Foundation

/// A folder of files SwiftPM ships beside the executable, in `<package>_<target>.resources`
/// (the ledger's migrations, the web client).
///
/// SwiftPM's generated `Bundle.module` stops the process (`fatalError`) when that folder is
/// missing, as it is when the `scenecast` binary is copied somewhere alone. This looks for
/// it beside the running executable (symbolic links resolved, so a link in
/// `/usr/local/bin` works) and, failing that, throws an error that names the folder and
/// what to install.
package enum ResourceFolder {
    /// The running executable, symbolic links resolved.
    package static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    }

    /// `<bundle>.resources/<folder>` beside the executable. (`Bundle.main.bundleURL` is the
    /// same directory on Linux: Foundation resolves the links too.)
    package static func locate(_ folder: String, bundle: String) throws(LedgerError) -> URL {
        let url = executable.deletingLastPathComponent().appendingPathComponent("\(bundle).resources").appendingPathComponent(folder)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            return url
        }
        throw LedgerError(
            .resourcesMissing,
            "The folder \(bundle).resources/\(folder) is missing beside \(executable.path); "
                + "install scenecast together with the scenecast_*.resources folders that `swift build` puts beside it "
                + "(docs/operations.md, \"Installing\")."
        )
    }
}
