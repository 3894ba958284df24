import Foundation
import Testing

import CommandBus
import SceneLedger

/// Every command type decodes from a valid example into the expected typed value.
@Suite("CommandDecoder: valid commands")
struct CommandDecoderTests {
    let pump = "00000000-0000-4000-8000-000000000001"
    let press = "00000000-0000-4000-8000-000000000002"
    let hash = String(repeating: "ab", count: 32)

    @Test func envelope() throws {
        let command = try Fixture.decode("latency:probe", #"{"probeId":"p-1"}"#)
        #expect(command.id == Fixture.commandID)
        #expect(command.timestampMillis == 1_700_000_000_000)
        #expect(command.typeName == "latency:probe")
        #expect(command.body == .latencyProbe("p-1"))
        #expect(!command.isMotion)
    }

    @Test func uppercaseIDsAreAccepted() throws {
        let upper = Fixture.commandIDString.uppercased()
        let command = try CommandDecoder.decode(Fixture.message("device:remove", #"{"deviceId":"\#(pump.uppercased())"}"#, id: upper)).get()
        #expect(command.id == Fixture.commandID)
        #expect(command.body == .deviceRemove(Fixture.pump))
    }

    @Test func cameraCommands() throws {
        #expect(try Fixture.decode("camera:orbit", #"{"dAzimuth":15.5,"dElevation":-3}"#).body == .cameraOrbit(dAzimuth: 15.5, dElevation: -3))
        #expect(try Fixture.decode("camera:pan", #"{"dx":0.25,"dy":-0.5}"#).body == .cameraPan(dx: 0.25, dy: -0.5))
        #expect(try Fixture.decode("camera:zoom", #"{"factor":1.1}"#).body == .cameraZoom(factor: 1.1))
        let set = try Fixture.decode(
            "camera:set", #"{"target":[1,2,3],"distance":40,"azimuth":359.5,"elevation":-89,"fov":60}"#)
        #expect(set.body == .cameraSet(Camera(target: Vec3(1, 2, 3), distance: 40, azimuth: 359.5, elevation: -89, fov: 60)))
        #expect(set.isMotion)
    }

    @Test func pointerMove() throws {
        let command = try Fixture.decode("pointer:move", #"{"x":0,"y":1}"#)
        #expect(command.body == .pointerMove(Pointer(x: 0, y: 1)))
        #expect(command.isMotion)
    }

    @Test func deviceClickBothForms() throws {
        #expect(try Fixture.decode("device:click", #"{"deviceId":"\#(pump)"}"#).body == .deviceClick(.device(Fixture.pump)))
        #expect(
            try Fixture.decode("device:click", #"{"x":640.5,"y":0,"width":1280,"height":720}"#).body
                == .deviceClick(.point(x: 640.5, y: 0, width: 1280, height: 720)))
    }

    @Test func deviceSelect() throws {
        #expect(try Fixture.decode("device:select", #"{"deviceId":"\#(pump)"}"#).body == .deviceSelect(Fixture.pump))
        #expect(try Fixture.decode("device:select", #"{"deviceId":null}"#).body == .deviceSelect(nil))
    }

    @Test func deviceDrag() throws {
        let command = try Fixture.decode("device:drag", #"{"deviceId":"\#(pump)","position":[-100000,0.5,100000]}"#)
        #expect(command.body == .deviceDrag(id: Fixture.pump, position: Vec3(-100_000, 0.5, 100_000)))
        #expect(!command.isMotion)
    }

    @Test func deviceAddMinimal() throws {
        let command = try Fixture.decode("device:add", #"{"kind":"robot_arm","name":"Arm 1","position":[1,0,2]}"#)
        #expect(command.body == .deviceAdd(Command.NewDevice(kind: .robotArm, name: "Arm 1", position: Vec3(1, 0, 2))))
    }

    @Test func deviceAddFull() throws {
        let data = """
            {"deviceId":"\(pump)","kind":"custom","name":"Mixer \\u00e9","position":[0,0,0],
             "model":{"asset":"\(hash)"},"rotation":[0,90,-3600],"scale":[0.001,1,1000],
             "metadata":{"line":3,"tags":["a","b"],"nested":{"ok":true}}}
            """
        let command = try Fixture.decode("device:add", data)
        let expected = Command.NewDevice(
            id: Fixture.pump, kind: .custom, name: "Mixer é", model: .asset(hash), position: .zero,
            rotation: Vec3(0, 90, -3600), scale: Vec3(0.001, 1, 1000),
            metadata: ["line": 3, "tags": ["a", "b"], "nested": ["ok": true]])
        #expect(command.body == .deviceAdd(expected))
    }

    @Test func deviceAddBuiltinModel() throws {
        let command = try Fixture.decode(
            "device:add", #"{"kind":"conveyor","name":"Belt","position":[0,0,0],"model":{"builtin":"agv"}}"#)
        guard case .deviceAdd(let new) = command.body else {
            Issue.record("decoded \(command.body)")
            return
        }
        #expect(new.model == .builtin("agv"))
        #expect(new.id == nil)
    }

    @Test func deviceRemove() throws {
        #expect(try Fixture.decode("device:remove", #"{"deviceId":"\#(pump)"}"#).body == .deviceRemove(Fixture.pump))
    }

    @Test func deviceUpdate() throws {
        let one = try Fixture.decode("device:update", #"{"deviceId":"\#(pump)","name":"Pump 2"}"#)
        #expect(one.body == .deviceUpdate(DeviceUpdate(id: Fixture.pump, name: "Pump 2")))
        let all = try Fixture.decode(
            "device:update",
            #"{"deviceId":"\#(pump)","kind":"agv","name":"A","model":{"builtin":"agv"},"position":[1,2,3],"rotation":[4,5,6],"scale":[2,2,2],"metadata":{}}"#
        )
        #expect(
            all.body
                == .deviceUpdate(
                    DeviceUpdate(
                        id: Fixture.pump, kind: .agv, name: "A", model: .builtin("agv"), position: Vec3(1, 2, 3),
                        rotation: Vec3(4, 5, 6), scale: Vec3(2, 2, 2), metadata: [:])))
    }

    @Test func connectionCreate() throws {
        let minimal = try Fixture.decode(
            "connection:create", #"{"sourceDeviceId":"\#(pump)","targetDeviceId":"\#(press)","type":"material"}"#)
        #expect(
            minimal.body
                == .connectionCreate(Command.NewConnection(source: Fixture.pump, target: Fixture.press, kind: .material)))
        let full = try Fixture.decode(
            "connection:create",
            #"{"sourceDeviceId":"\#(pump)","targetDeviceId":"\#(press)","type":"power","connectionId":"\#(Fixture.commandIDString)","direction":"both"}"#
        )
        #expect(
            full.body
                == .connectionCreate(
                    Command.NewConnection(
                        id: Fixture.commandID, source: Fixture.pump, target: Fixture.press, kind: .power, direction: .both)))
    }

    @Test func connectionRemove() throws {
        #expect(try Fixture.decode("connection:remove", #"{"connectionId":"\#(pump)"}"#).body == .connectionRemove(Fixture.pump))
    }

    @Test func latencyProbeAtLengthLimit() throws {
        let probe = String(repeating: "x", count: 64)
        #expect(try Fixture.decode("latency:probe", #"{"probeId":"\#(probe)"}"#).body == .latencyProbe(probe))
    }

    @Test func whitespaceAndFieldOrderDoNotMatter() throws {
        let text = """
            { "data" : { "dy" : 1 , "dx" : 2 } ,
              "timestamp" : 0 , "type" : "camera:pan" , "id" : "\(Fixture.commandIDString)" }
            """
        let command = try CommandDecoder.decode(Array(text.utf8)).get()
        #expect(command.body == .cameraPan(dx: 2, dy: 1))
        #expect(command.timestampMillis == 0)
    }

    @Test func messageOfExactlyTheLimitIsAccepted() throws {
        let prefix = Fixture.message("latency:probe", #"{"probeId":"p"}"#)
        let padded = prefix + [UInt8](repeating: 0x20, count: CommandLimits.maxMessageBytes - prefix.count)
        #expect(padded.count == 65_536)
        #expect(try CommandDecoder.decode(padded).get().body == .latencyProbe("p"))
    }

    @Test func motionClassification() {
        let motion = CommandType.allCases.filter(\.isMotion).map(\.rawValue).sorted()
        #expect(motion == ["camera:orbit", "camera:pan", "camera:set", "camera:zoom", "pointer:move"])
        #expect(CommandType.allCases.count == 14)
    }
}
