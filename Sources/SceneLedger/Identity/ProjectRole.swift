/// What a person may do in one project (issue #18, the plan's section 9.2): each role can do
/// everything the one below it can, and more.
package enum ProjectRole: String, CaseIterable, Comparable, Sendable {
    /// Views the scene, moves their own camera, sees device details, follows others and
    /// asks for control.
    case viewer
    /// A viewer who also selects and moves devices, creates and removes connections,
    /// uploads models and drives.
    case engineer
    /// An engineer who also adds, changes and deletes devices, manages people and roles,
    /// runs recordings, reads audit exports and replays, erases, and takes control.
    case admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .engineer: 1
        case .admin: 2
        }
    }

    package static func < (a: ProjectRole, b: ProjectRole) -> Bool { a.rank < b.rank }
}
