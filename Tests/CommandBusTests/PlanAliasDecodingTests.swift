import Foundation
import Testing

import CommandBus
import SceneLedger

/// One plan-shaped message that must be refused, and the fields its error must name.
struct AliasRejection: CustomTestStringConvertible, Sendable {
    let label: String
    let type: String
    let data: String
    let code: CommandError.Code
    let fields: [String]
    var testDescription: String { label }

    init(_ label: String, _ type: String, _ data: String, _ code: CommandError.Code, fields: [String]) {
        self.label = label
        self.type = type
        self.data = data
        self.code = code
        self.fields = fields
    }
}

private let dev = "00000000-0000-4000-8000-000000000001"
private let dev2 = "00000000-0000-4000-8000-000000000002"

/// The plan's input messages (section 4.2.2) decode into exactly the typed command.
@Suite("CommandDecoder: the plan's aliases")
struct PlanAliasDecodingTests {
    /// The command a message with this `data` decodes to, from a sender with this `view`.
    private func plan(_ type: String, _ data: String, view: ViewSize = .standard) throws -> Command {
        try CommandDecoder.decode(Fixture.message(type, data), view: view).get().body
    }

    /// The same for the typed form, to compare with.
    private func typed(_ type: String, _ data: String) throws -> Command { try plan(type, data) }

    @Test func orbitInPixels() throws {
        let command = try plan("camera:orbit", #"{"deltaX":10,"deltaY":-5}"#)
        #expect(command == .cameraOrbit(dAzimuth: -5, dElevation: -2.5))
        #expect(command == (try typed("camera:orbit", #"{"dAzimuth":-5,"dElevation":-2.5}"#)))
        // The largest delta is the typed limit converted: 3600° at 0.5° a pixel.
        #expect(try plan("camera:orbit", #"{"deltaX":-7200,"deltaY":7200}"#) == .cameraOrbit(dAzimuth: 3600, dElevation: 3600))
        #expect(CommandDecoder.orbitDegreesPerPixel == 0.5)
    }

    @Test func clickInPixelsOfTheSendersView() throws {
        let standard = try plan("device:click", #"{"screenX":500,"screenY":300}"#)
        #expect(standard == .deviceClick(.point(x: 500, y: 300, width: 1280, height: 720)))
        #expect(standard == (try typed("device:click", #"{"x":500,"y":300,"width":1280,"height":720}"#)))
        let wide = ViewSize(width: 1920, height: 1080)
        #expect(try plan("device:click", #"{"screenX":1920,"screenY":0.5}"#, view: wide) == .deviceClick(.point(x: 1920, y: 0.5, width: 1920, height: 1080)))
    }

    @Test func clickWithTheDeviceTheClientPicked() throws {
        let command = try plan("device:click", #"{"screenX":500,"screenY":300,"deviceId":"\#(dev)"}"#)
        #expect(command == .deviceClick(.device(Fixture.pump)))
        #expect(command == (try typed("device:click", #"{"deviceId":"\#(dev)"}"#)))
    }

    @Test func dragByComponents() throws {
        let command = try plan("device:drag", #"{"deviceId":"\#(dev)","positionX":10.5,"positionY":0.2,"positionZ":-5.3}"#)
        #expect(command == .deviceDrag(id: Fixture.pump, position: Vec3(10.5, 0.2, -5.3)))
        #expect(command == (try typed("device:drag", #"{"deviceId":"\#(dev)","position":[10.5,0.2,-5.3]}"#)))
        #expect(
            try plan("device:drag", #"{"deviceId":"\#(dev)","positionX":-100000,"positionY":0,"positionZ":100000}"#)
                == .deviceDrag(id: Fixture.pump, position: Vec3(-100_000, 0, 100_000)))
    }

    @Test(arguments: [
        ("production_flow", ConnectionKind.production), ("material_flow", .material), ("data_flow", .data), ("power_flow", .power),
    ])
    func connectionKindsByThePlansNames(_ alias: String, _ kind: ConnectionKind) throws {
        let command = try plan("connection:create", #"{"sourceDeviceId":"\#(dev)","targetDeviceId":"\#(dev2)","type":"\#(alias)"}"#)
        #expect(command == .connectionCreate(Command.NewConnection(source: Fixture.pump, target: Fixture.press, kind: kind)))
        #expect(command == (try typed("connection:create", #"{"sourceDeviceId":"\#(dev)","targetDeviceId":"\#(dev2)","type":"\#(kind.rawValue)"}"#)))
    }

    /// The plan's envelope has no `id`: the decoder takes one from `makeID`.
    @Test func planEnvelopeWithoutAnID() throws {
        let given = Fixture.id(77)
        let bytes = Array(#"{"type":"camera:orbit","timestamp":1704067200000,"data":{"deltaX":10,"deltaY":-5}}"#.utf8)
        let command = try CommandDecoder.decode(bytes, makeID: { given }).get()
        #expect(command.id == given)
        #expect(command.timestampMillis == 1_704_067_200_000)
        #expect(command.body == .cameraOrbit(dAzimuth: -5, dElevation: -2.5))
        // By default each message without an id gets a fresh one; one with an id keeps it.
        let first = try CommandDecoder.decode(bytes).get().id
        let second = try CommandDecoder.decode(bytes).get().id
        #expect(first != second)
        let withID = try CommandDecoder.decode(Fixture.message("camera:orbit", #"{"deltaX":1,"deltaY":1}"#), makeID: { given }).get()
        #expect(withID.id == Fixture.commandID)
    }

    @Test func errorsOfAMessageWithoutAnIDHaveNoRef() throws {
        let bytes = Array(#"{"type":"device:drag","timestamp":1,"data":{"deviceId":"wc-001","positionX":1,"positionY":0,"positionZ":0}}"#.utf8)
        let error = try #require(Fixture.decodeError(bytes))
        #expect(error.code == .invalidID)
        #expect(error.ref == nil)
        #expect(error.message.contains(#""data.deviceId""#))
    }

    @Test func viewSizeFromAJoin() {
        #expect(ViewSize(joinWidth: nil, joinHeight: nil) == .standard)
        #expect(ViewSize(joinWidth: 1920, joinHeight: nil) == ViewSize(width: 1920, height: 720))
        #expect(ViewSize(joinWidth: 800, joinHeight: 600).description == "800×600")
    }

    static let mixed: [AliasRejection] = [
        AliasRejection("orbit deltaX with dAzimuth", "camera:orbit", #"{"deltaX":1,"deltaY":1,"dAzimuth":1}"#, .invalidCommand, fields: ["data.deltaX", "data.dAzimuth"]),
        AliasRejection("orbit deltaY with dElevation", "camera:orbit", #"{"deltaY":1,"dElevation":1}"#, .invalidCommand, fields: ["data.deltaY", "data.dElevation"]),
        AliasRejection("click screenX with x", "device:click", #"{"screenX":1,"screenY":1,"x":1}"#, .invalidCommand, fields: ["data.screenX", "data.x"]),
        AliasRejection("click screenY with width", "device:click", #"{"screenY":1,"width":10,"height":10}"#, .invalidCommand, fields: ["data.screenY", "data.width"]),
        AliasRejection("drag position with positionX", "device:drag", #"{"deviceId":"\#(dev)","position":[1,2,3],"positionX":1}"#, .invalidCommand, fields: ["data.positionX", "data.position"]),
        AliasRejection("drag position with all three", "device:drag", #"{"deviceId":"\#(dev)","position":[1,2,3],"positionX":1,"positionY":2,"positionZ":3}"#, .invalidCommand, fields: ["data.positionX", "data.position"]),
    ]

    static let outOfRange: [AliasRejection] = [
        AliasRejection("orbit deltaX over 7200 pixels", "camera:orbit", #"{"deltaX":7200.5,"deltaY":0}"#, .outOfRange, fields: ["data.deltaX"]),
        AliasRejection("orbit deltaY under -7200 pixels", "camera:orbit", #"{"deltaX":0,"deltaY":-7201}"#, .outOfRange, fields: ["data.deltaY"]),
        AliasRejection("click right of the view", "device:click", #"{"screenX":1280.5,"screenY":0}"#, .outOfRange, fields: ["data.screenX"]),
        AliasRejection("click above the view", "device:click", #"{"screenX":0,"screenY":-1}"#, .outOfRange, fields: ["data.screenY"]),
        AliasRejection("click outside, with a device", "device:click", #"{"screenX":0,"screenY":721,"deviceId":"\#(dev)"}"#, .outOfRange, fields: ["data.screenY"]),
        AliasRejection("drag positionY too far", "device:drag", #"{"deviceId":"\#(dev)","positionX":0,"positionY":100001,"positionZ":0}"#, .outOfRange, fields: ["data.positionY"]),
        AliasRejection("drag positionZ too far", "device:drag", #"{"deviceId":"\#(dev)","positionX":0,"positionY":0,"positionZ":-1e6}"#, .outOfRange, fields: ["data.positionZ"]),
        AliasRejection("unknown flow kind", "connection:create", #"{"sourceDeviceId":"\#(dev)","targetDeviceId":"\#(dev2)","type":"water_flow"}"#, .outOfRange, fields: ["data.type"]),
        AliasRejection("flow kind of the wrong case", "connection:create", #"{"sourceDeviceId":"\#(dev)","targetDeviceId":"\#(dev2)","type":"Production_Flow"}"#, .outOfRange, fields: ["data.type"]),
    ]

    static let otherwiseMalformed: [AliasRejection] = [
        AliasRejection("orbit without deltaY", "camera:orbit", #"{"deltaX":1}"#, .missingField, fields: ["data.deltaY"]),
        AliasRejection("click without screenX", "device:click", #"{"screenY":1}"#, .missingField, fields: ["data.screenX"]),
        AliasRejection("drag without positionZ", "device:drag", #"{"deviceId":"\#(dev)","positionX":0,"positionY":0}"#, .missingField, fields: ["data.positionZ"]),
        AliasRejection("drag without deviceId", "device:drag", #"{"positionX":0,"positionY":0,"positionZ":0}"#, .missingField, fields: ["data.deviceId"]),
        AliasRejection("orbit with an extra field", "camera:orbit", #"{"deltaX":1,"deltaY":1,"speed":2}"#, .unexpectedField, fields: ["data.speed"]),
        AliasRejection("click with an extra field", "device:click", #"{"screenX":1,"screenY":1,"button":0}"#, .unexpectedField, fields: ["data.button"]),
        AliasRejection("orbit delta as a string", "camera:orbit", #"{"deltaX":"10","deltaY":0}"#, .wrongType, fields: ["data.deltaX"]),
        AliasRejection("positionX as an array", "device:drag", #"{"deviceId":"\#(dev)","positionX":[1],"positionY":0,"positionZ":0}"#, .wrongType, fields: ["data.positionX"]),
        AliasRejection("the plan's example device id", "device:click", #"{"screenX":500,"screenY":300,"deviceId":"wc-001"}"#, .invalidID, fields: ["data.deviceId"]),
    ]

    @Test(arguments: mixed)
    func mixedFormsAreInvalid(_ rejection: AliasRejection) { check(rejection) }

    @Test(arguments: outOfRange)
    func outOfRangeInThePlansForm(_ rejection: AliasRejection) { check(rejection) }

    @Test(arguments: otherwiseMalformed)
    func malformedInThePlansForm(_ rejection: AliasRejection) { check(rejection) }

    @Test func messagesSayWhatToDo() throws {
        let mixed = try #require(Fixture.decodeError("device:drag", #"{"deviceId":"\#(dev)","position":[1,2,3],"positionX":1}"#))
        #expect(
            mixed.message
                == #"fields "data.positionX" and "data.position" cannot be sent together: send either the typed form ("position") or the plan's form ("positionX", "positionY", "positionZ")"#)
        let kind = try #require(Fixture.decodeError("connection:create", #"{"sourceDeviceId":"\#(dev)","targetDeviceId":"\#(dev2)","type":"flow"}"#))
        #expect(
            kind.message
                == #"field "data.type" must be one of "production", "material", "data", "power", or the plan's "production_flow", "material_flow", "data_flow", "power_flow""#)
        let orbit = try #require(Fixture.decodeError("camera:orbit", #"{"deltaX":9000,"deltaY":0}"#))
        #expect(orbit.message == #"field "data.deltaX" must be between -7200 and 7200 (pixels, 0.5° each)"#)
    }

    private func check(_ rejection: AliasRejection, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = Fixture.decodeError(rejection.type, rejection.data, sourceLocation: sourceLocation) else { return }
        #expect(error.code == rejection.code, "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.ref == Fixture.commandID, sourceLocation: sourceLocation)
        for field in rejection.fields {
            #expect(error.message.contains("\"\(field)\""), "\(error.message)", sourceLocation: sourceLocation)
        }
        #expect(!error.message.contains("\n"), sourceLocation: sourceLocation)
    }
}
