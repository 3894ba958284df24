import Foundation
import Testing
@testable import CommandBus
import SceneLedger

@Suite("Authorization: the role matrix of issue #18, without I/O")
struct AuthorizationTests {
    /// The matrix as issue #18 states it, written out here rather than read from the code:
    /// the least role each command needs.
    static let commandMatrix: [CommandType: ProjectRole] = [
        .cameraOrbit: .viewer, .cameraPan: .viewer, .cameraZoom: .viewer, .cameraSet: .viewer, .pointerMove: .viewer,
        .latencyProbe: .viewer,
        .deviceClick: .engineer, .deviceSelect: .engineer, .deviceDrag: .engineer,
        .connectionCreate: .engineer, .connectionRemove: .engineer,
        .deviceAdd: .admin, .deviceRemove: .admin, .deviceUpdate: .admin,
    ]

    /// The same for the other surfaces; nil: server admins only.
    static let permissionMatrix: [Permission: ProjectRole?] = [
        .viewScene: .viewer, .moveOwnCamera: .viewer, .viewDeviceDetails: .viewer, .follow: .viewer,
        .requestControl: .viewer, .probeLatency: .viewer,
        .selectDevices: .engineer, .moveDevices: .engineer, .editConnections: .engineer, .drive: .engineer,
        .uploadModels: .engineer,
        .editDevices: .admin, .manageUsers: .admin, .controlRecordings: .admin, .readHistory: .admin, .erase: .admin,
        .takeControl: .admin, .inspectViews: .admin,
        .operateServer: nil,
    ]

    static let project = "plant-7"

    func person(_ role: ProjectRole?, in project: String = project) -> Principal {
        Principal(userID: UUID(), name: "ada", roles: role.map { [project: $0] } ?? [:])
    }

    @Test("every command type, for every role, is allowed exactly from its least role up")
    func everyCommandForEveryRole() {
        #expect(Set(Self.commandMatrix.keys) == Set(CommandType.allCases))
        for type in CommandType.allCases {
            let least = Self.commandMatrix[type]!
            for role in ProjectRole.allCases {
                let decision = Authorization.decide(person(role), Permission(command: type), project: Self.project)
                if role >= least {
                    #expect(decision == .allowed, "\(type.rawValue) for \(role.rawValue)")
                } else {
                    guard case .forbidden(let reason) = decision else {
                        Issue.record("\(type.rawValue) for \(role.rawValue): \(decision)")
                        continue
                    }
                    #expect(reason.contains(least.rawValue) && reason.contains(role.rawValue))
                }
            }
        }
    }

    @Test("every permission, for every role and a server admin")
    func everyPermission() {
        #expect(Set(Self.permissionMatrix.keys) == Set(Permission.allCases))
        let admin = Principal(userID: UUID(), name: "root", serverAdmin: true)
        for permission in Permission.allCases {
            let least = Self.permissionMatrix[permission]!
            #expect(permission.minimumRole == least)
            #expect(Authorization.decide(admin, permission, project: Self.project) == .allowed)
            for role in ProjectRole.allCases {
                let allowed = Authorization.decide(person(role), permission, project: Self.project) == .allowed
                #expect(allowed == (least.map { role >= $0 } ?? false), "\(permission.rawValue) for \(role.rawValue)")
            }
        }
    }

    @Test("a role counts only in its own project; nobody signed in is unauthenticated")
    func projectsAndAnonymous() {
        let elsewhere = person(.admin, in: "other-plant")
        guard case .forbidden(let reason) = Authorization.decide(elsewhere, .viewScene, project: Self.project) else {
            Issue.record("an admin of another project may view this one")
            return
        }
        #expect(reason.contains(Self.project))
        #expect(Authorization.decide(nil, .viewScene, project: Self.project) == .unauthenticated)
        #expect(Authorization.decide(person(.viewer), .viewScene, project: Self.project) == .allowed)
    }

    @Test("a refused command is answered forbidden or unauthenticated, naming the command, with its id")
    func commandErrors() throws {
        let command = ClientCommand(id: UUID(), timestampMillis: 0, body: .deviceRemove(UUID()))
        let forbidden = try #require(Authorization.check(command, by: person(.engineer), project: Self.project))
        #expect(forbidden.code == .forbidden)
        #expect(forbidden.ref == command.id)
        #expect(forbidden.message.contains("device:remove"))
        let anonymous = try #require(Authorization.check(command, by: nil, project: Self.project))
        #expect(anonymous.code == .unauthenticated)
        #expect(Authorization.check(command, by: person(.admin), project: Self.project) == nil)
    }

    @Test("roles are ordered viewer < engineer < admin")
    func order() {
        #expect(ProjectRole.allCases.sorted() == [.viewer, .engineer, .admin])
    }
}
