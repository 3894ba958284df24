import Foundation
import Testing
@testable import SceneLedger

@Suite struct StateHashTests {
    typealias F = SceneFixtures

    /// A small scene touching every part of the state.
    static func smallScene() -> SceneState {
        var state = SceneState(sceneID: F.scene, name: "Hall B")
        state.version = 42
        state.sceneTimeMicros = 1_700_000_000_123_456
        state.probeMarker = 3
        let press = Device(
            id: F.id(1), kind: .workCenter, name: "Press", model: .builtin("work_center"), position: Vec3(1, 0, -2.5))
        let arm = Device(
            id: F.id(2), kind: .robotArm, name: "Arm", model: .asset(F.assetHash), position: Vec3(0.1, 0, 3),
            rotation: Vec3(0, 90, 0), scale: Vec3(2, 2, 2), metadata: ["axes": 6, "vendor": "ACME"])
        state.devices = [press.id: press, arm.id: arm]
        let link = Connection(id: F.id(10), source: F.id(1), target: F.id(2), kind: .material, direction: .both)
        state.connections = [link.id: link]
        state.participants = [
            F.id(20): Participant(
                id: F.id(20), actor: F.id(30), role: .driver, camera: F.camera, selection: F.id(2),
                pointer: Pointer(x: 0.25, y: 0.5)),
            F.id(21): Participant(id: F.id(21), actor: F.id(31), role: .observer),
        ]
        return state
    }

    @Test func canonicalFormIsFixed() {
        #expect(Self.smallScene().canonicalJSON.canonicalString == Self.goldenJSON)
        #expect(Self.smallScene().canonicalBytes == Array(Self.goldenJSON.utf8))
    }

    @Test func stateHashIsStable() {
        let state = Self.smallScene()
        #expect(state.stateHashHex == Self.goldenHash)
        #expect(state.stateHash.count == 32)
        #expect(Hex.encode(state.stateHash) == state.stateHashHex)
        #expect(SceneState(sceneID: F.scene).stateHashHex == Self.goldenEmptyHash)
    }

    @Test func hashIgnoresInsertionOrder() {
        let devices = (0..<64).map {
            Device(id: F.id(100 + $0), kind: .conveyor, name: "C\($0)", model: .builtin("conveyor"), position: Vec3(Double($0), 0, 0))
        }
        var forward = SceneState(sceneID: F.scene)
        var backward = SceneState(sceneID: F.scene)
        var reserved = SceneState(sceneID: F.scene)
        reserved.devices.reserveCapacity(1024)
        for d in devices { forward.devices[d.id] = d }
        for d in devices.reversed() { backward.devices[d.id] = d }
        for d in devices.shuffled() { reserved.devices[d.id] = d }
        #expect(forward.stateHash == backward.stateHash)
        #expect(forward.stateHash == reserved.stateHash)
        #expect(forward.canonicalBytes == reserved.canonicalBytes)
    }

    @Test func hashChangesWithEveryField() {
        let base = Self.smallScene()
        let edits: [(String, (inout SceneState) -> Void)] = [
            ("scene", { $0.sceneID = F.id(0xbbb) }),
            ("name", { $0.name = "Hall C" }),
            ("version", { $0.version += 1 }),
            ("sceneTime", { $0.sceneTimeMicros += 1 }),
            ("probeMarker", { $0.probeMarker += 1 }),
            ("device kind", { $0.devices[F.id(1)]?.kind = .storage }),
            ("device name", { $0.devices[F.id(1)]?.name = "Press!" }),
            ("device model", { $0.devices[F.id(1)]?.model = .builtin("agv") }),
            ("device position", { $0.devices[F.id(1)]?.position.x += 1e-9 }),
            ("device rotation", { $0.devices[F.id(1)]?.rotation.y = 1 }),
            ("device scale", { $0.devices[F.id(1)]?.scale.z = 3 }),
            ("device metadata", { $0.devices[F.id(2)]?.metadata["axes"] = 7 }),
            ("device removed", { $0.devices[F.id(1)] = nil }),
            ("connection kind", { $0.connections[F.id(10)]?.kind = .data }),
            ("connection direction", { $0.connections[F.id(10)]?.direction = .forward }),
            ("connection source", { $0.connections[F.id(10)]?.source = F.id(3) }),
            ("connection target", { $0.connections[F.id(10)]?.target = F.id(3) }),
            ("connection removed", { $0.connections = [:] }),
            ("participant actor", { $0.participants[F.id(20)]?.actor = F.id(32) }),
            ("participant role", { $0.participants[F.id(20)]?.role = .observer }),
            ("participant camera", { $0.participants[F.id(20)]?.camera.fov = 61 }),
            ("participant camera target", { $0.participants[F.id(20)]?.camera.target.y = 0 }),
            ("participant selection", { $0.participants[F.id(20)]?.selection = nil }),
            ("participant pointer", { $0.participants[F.id(20)]?.pointer = Pointer(x: 0.25, y: 0.51) }),
            ("participant pointer cleared", { $0.participants[F.id(20)]?.pointer = nil }),
            ("participant left", { $0.participants[F.id(21)] = nil }),
        ]
        var seen: Set<[UInt8]> = [base.stateHash]
        for (label, edit) in edits {
            var changed = base
            edit(&changed)
            #expect(changed != base, "\(label)")
            #expect(seen.insert(changed.stateHash).inserted, "\(label) must give a new hash")
        }
    }

    @Test func canonicalStateRoundTrips() throws {
        let state = Self.smallScene()
        let bytes = state.canonicalBytes
        let decoded = try SceneState(canonicalBytes: bytes)
        #expect(decoded == state)
        #expect(decoded.canonicalBytes == bytes)
        #expect(try SceneState(canonicalJSON: state.canonicalJSON) == state)
    }

    @Test func canonicalDecodingIsStrict() throws {
        let json = Self.smallScene().canonicalJSON
        var fields = json.objectValue!

        var extra = fields
        extra["colour"] = "red"
        let extraError = try #require(throws: LedgerError.self) { try SceneState(canonicalJSON: .object(extra)) }
        #expect(extraError.code == .decoding)
        #expect(extraError.message.contains("unexpected field \"colour\""))

        var missing = fields
        missing["probeMarker"] = nil
        let missingError = try #require(throws: LedgerError.self) { try SceneState(canonicalJSON: .object(missing)) }
        #expect(missingError.message.contains("missing field \"probeMarker\""))

        var fractional = fields
        fractional["version"] = 1.5
        let fractionError = try #require(throws: LedgerError.self) { try SceneState(canonicalJSON: .object(fractional)) }
        #expect(fractionError.message.contains("field \"version\""))

        var devices = fields["devices"]!.arrayValue!
        devices.append(devices[0])
        fields["devices"] = .array(devices)
        let duplicate = try #require(throws: LedgerError.self) { try SceneState(canonicalJSON: .object(fields)) }
        #expect(duplicate.message.contains("devices[2]"))
        #expect(duplicate.message.contains("repeats device id"))

        var participants = json.objectValue!
        var p = participants["participants"]!.arrayValue!
        var first = p[0].objectValue!
        first["pointer"] = ["x": 1]
        p[0] = .object(first)
        participants["participants"] = .array(p)
        let pointer = try #require(throws: LedgerError.self) { try SceneState(canonicalJSON: .object(participants)) }
        #expect(pointer.message.contains("missing field \"participants[0].pointer.y\""))
    }

    @Test func nonCanonicalBytesAreRejected() throws {
        let spaced = Self.goldenJSON.replacingOccurrences(of: ",\"name\"", with: ", \"name\"")
        #expect(spaced != Self.goldenJSON)
        let error = try #require(throws: LedgerError.self) { try SceneState(canonicalBytes: Array(spaced.utf8)) }
        #expect(error.code == .decoding)
        #expect(error.message.contains("canonical"))

        let broken = try #require(throws: LedgerError.self) { try SceneState(canonicalBytes: Array("{\"scene\"".utf8)) }
        #expect(broken.code == .decoding)
    }

    @Test func hexRoundTrips() {
        #expect(Hex.encode([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(Hex.decode("000fA0ff") == [0x00, 0x0f, 0xa0, 0xff])
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.isLowercase(F.assetHash, byteCount: 32))
        #expect(!Hex.isLowercase(F.assetHash.uppercased(), byteCount: 32))
    }

    /// Computed once and pasted: changing the canonical form changes every stored hash.
    static let goldenJSON = #"{"connections":[{"direction":"both","id":"00000000-0000-0000-0000-00000000000a","kind":"material","source":"00000000-0000-0000-0000-000000000001","target":"00000000-0000-0000-0000-000000000002"}],"devices":[{"id":"00000000-0000-0000-0000-000000000001","kind":"work_center","metadata":{},"model":{"builtin":"work_center"},"name":"Press","position":[1,0,-2.5],"rotation":[0,0,0],"scale":[1,1,1]},{"id":"00000000-0000-0000-0000-000000000002","kind":"robot_arm","metadata":{"axes":6,"vendor":"ACME"},"model":{"asset":"abababababababababababababababababababababababababababababababab"},"name":"Arm","position":[0.1,0,3],"rotation":[0,90,0],"scale":[2,2,2]}],"name":"Hall B","participants":[{"actor":"00000000-0000-0000-0000-00000000001e","camera":{"azimuth":-30,"distance":12.5,"elevation":20,"fov":60,"target":[1,2,3]},"id":"00000000-0000-0000-0000-000000000014","pointer":{"x":0.25,"y":0.5},"role":"driver","selection":"00000000-0000-0000-0000-000000000002"},{"actor":"00000000-0000-0000-0000-00000000001f","camera":{"azimuth":45,"distance":60,"elevation":35,"fov":50,"target":[0,0,0]},"id":"00000000-0000-0000-0000-000000000015","pointer":null,"role":"observer","selection":null}],"probeMarker":3,"scene":"00000000-0000-0000-0000-000000000aaa","sceneTime":1700000000123456,"version":42}"#
    static let goldenHash = "f0e1d67237c68d56eb6ec42ca53f7170d0b4e918c91972836ef2215a1ceead6d"
    static let goldenEmptyHash = "b4b0a80dd20eedee1dc25561af0763cb5c9b19fe96ab86b6b46e0a17f2113897"
}
