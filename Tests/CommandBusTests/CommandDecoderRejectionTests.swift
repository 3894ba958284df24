import Foundation
import Testing

import CommandBus
import SceneLedger

/// One malformed message and the error it must get.
struct Rejection: CustomTestStringConvertible, Sendable {
    let label: String
    let bytes: [UInt8]
    let code: CommandError.Code
    /// A field path the message must name, quoted.
    let field: String?
    /// Whether the error must refer to `Fixture.commandID` (else `ref` must be nil).
    let hasRef: Bool

    var testDescription: String { label }

    init(_ label: String, _ bytes: [UInt8], _ code: CommandError.Code, field: String? = nil, hasRef: Bool = true) {
        self.label = label
        self.bytes = bytes
        self.code = code
        self.field = field
        self.hasRef = hasRef
    }

    init(_ label: String, _ type: String, _ data: String, _ code: CommandError.Code, field: String? = nil) {
        self.init(label, Fixture.message(type, data), code, field: field)
    }
}

private let dev = "00000000-0000-4000-8000-000000000001"
private let dev2 = "00000000-0000-4000-8000-000000000002"
private let cid = Fixture.commandIDString

@Suite("CommandDecoder: malformed input")
struct CommandDecoderRejectionTests {
    static let envelope: [Rejection] = [
        Rejection("unknown type", "device:teleport", "{}", .unknownType),
        Rejection("unknown type wins over bad data", "device:teleport", #"{"x":"far","y":[]}"#, .unknownType),
        Rejection("unknown type wins over non-object data", "nope", "[1,2]", .unknownType),
        Rejection("type of the wrong case", "Camera:Orbit", #"{"dAzimuth":1,"dElevation":1}"#, .unknownType),
        Rejection("null id", raw(#"{"id":null,"type":"latency:probe","timestamp":1,"data":{"probeId":"p"}}"#), .wrongType, field: "id", hasRef: false),
        Rejection("missing type without an id", raw(#"{"timestamp":1,"data":{}}"#), .missingField, field: "type", hasRef: false),
        Rejection("missing type", raw(#"{"id":"\#(cid)","timestamp":1,"data":{}}"#), .missingField, field: "type"),
        Rejection("missing timestamp", raw(#"{"id":"\#(cid)","type":"latency:probe","data":{"probeId":"p"}}"#), .missingField, field: "timestamp"),
        Rejection("missing data", raw(#"{"id":"\#(cid)","type":"latency:probe","timestamp":1}"#), .missingField, field: "data"),
        Rejection("extra top-level field", raw(#"{"id":"\#(cid)","type":"latency:probe","timestamp":1,"data":{"probeId":"p"},"v":2}"#), .unexpectedField, field: "v"),
        Rejection("id is a number", raw(#"{"id":7,"type":"latency:probe","timestamp":1,"data":{"probeId":"p"}}"#), .wrongType, field: "id", hasRef: false),
        Rejection("type is a number", raw(#"{"id":"\#(cid)","type":3,"timestamp":1,"data":{}}"#), .wrongType, field: "type"),
        Rejection("timestamp is a string", Fixture.message("latency:probe", #"{"probeId":"p"}"#, timestamp: "\"now\""), .wrongType, field: "timestamp"),
        Rejection("timestamp is fractional", Fixture.message("latency:probe", #"{"probeId":"p"}"#, timestamp: "1.5"), .wrongType, field: "timestamp"),
        Rejection("timestamp is negative", Fixture.message("latency:probe", #"{"probeId":"p"}"#, timestamp: "-1"), .outOfRange, field: "timestamp"),
        Rejection("timestamp is 2^53", Fixture.message("latency:probe", #"{"probeId":"p"}"#, timestamp: "9007199254740992"), .outOfRange, field: "timestamp"),
        Rejection("data is an array", "camera:zoom", "[2]", .wrongType, field: "data"),
        Rejection("data is null", "camera:zoom", "null", .wrongType, field: "data"),
        Rejection("message is an array", raw("[1,2,3]"), .wrongType, hasRef: false),
    ]

    static let syntax: [Rejection] = [
        Rejection("NaN literal", "camera:zoom", #"{"factor":NaN}"#, .badJSON),
        Rejection("Infinity literal", "camera:pan", #"{"dx":Infinity,"dy":0}"#, .badJSON),
        Rejection("negative Infinity literal", "camera:pan", #"{"dx":-Infinity,"dy":0}"#, .badJSON),
        Rejection("1e999", "camera:zoom", #"{"factor":1e999}"#, .outOfRange),
        Rejection("-1e999", "device:drag", #"{"deviceId":"\#(dev)","position":[-1e999,0,0]}"#, .outOfRange),
        Rejection("truncated", raw(#"{"id":"\#(cid)","type":"camera:zoom""#), .badJSON),
        Rejection("trailing comma", "camera:zoom", #"{"factor":2,}"#, .badJSON),
        Rejection("duplicate key", "camera:zoom", #"{"factor":2,"factor":3}"#, .badJSON),
        Rejection("empty message", raw(""), .badJSON),
        Rejection("over 64 KiB", raw(#"{"id":"\#(cid)","pad":""# + String(repeating: "x", count: 65_536) + "\"}"), .tooLarge),
    ].map { Rejection($0.label, $0.bytes, $0.code, field: $0.field, hasRef: false) }

    static let missing: [Rejection] = [
        Rejection("orbit without dElevation", "camera:orbit", #"{"dAzimuth":1}"#, .missingField, field: "data.dElevation"),
        Rejection("pan without dx", "camera:pan", #"{"dy":1}"#, .missingField, field: "data.dx"),
        Rejection("zoom without factor", "camera:zoom", "{}", .missingField, field: "data.factor"),
        Rejection("set without fov", "camera:set", #"{"target":[0,0,0],"distance":10,"azimuth":0,"elevation":0}"#, .missingField, field: "data.fov"),
        Rejection("set without target", "camera:set", #"{"distance":10,"azimuth":0,"elevation":0,"fov":50}"#, .missingField, field: "data.target"),
        Rejection("pointer without y", "pointer:move", #"{"x":0.5}"#, .missingField, field: "data.y"),
        Rejection("click without height", "device:click", #"{"x":1,"y":1,"width":10}"#, .missingField, field: "data.height"),
        Rejection("click without anything", "device:click", "{}", .missingField, field: "data.x"),
        Rejection("select without deviceId", "device:select", "{}", .missingField, field: "data.deviceId"),
        Rejection("drag without position", "device:drag", #"{"deviceId":"\#(dev)"}"#, .missingField, field: "data.position"),
        Rejection("drag without deviceId", "device:drag", #"{"position":[0,0,0]}"#, .missingField, field: "data.deviceId"),
        Rejection("add without kind", "device:add", #"{"name":"A","position":[0,0,0]}"#, .missingField, field: "data.kind"),
        Rejection("add without name", "device:add", #"{"kind":"agv","position":[0,0,0]}"#, .missingField, field: "data.name"),
        Rejection("add without position", "device:add", #"{"kind":"agv","name":"A"}"#, .missingField, field: "data.position"),
        Rejection("remove without deviceId", "device:remove", "{}", .missingField, field: "data.deviceId"),
        Rejection("update without deviceId", "device:update", #"{"name":"A"}"#, .missingField, field: "data.deviceId"),
        Rejection("update without any change", "device:update", #"{"deviceId":"\#(dev)"}"#, .missingField, field: "data"),
        Rejection("connect without type", "connection:create", #"{"sourceDeviceId":"\#(dev)","targetDeviceId":"\#(dev2)"}"#, .missingField, field: "data.type"),
        Rejection("connect without source", "connection:create", #"{"targetDeviceId":"\#(dev2)","type":"data"}"#, .missingField, field: "data.sourceDeviceId"),
        Rejection("connect without target", "connection:create", #"{"sourceDeviceId":"\#(dev)","type":"data"}"#, .missingField, field: "data.targetDeviceId"),
        Rejection("disconnect without connectionId", "connection:remove", "{}", .missingField, field: "data.connectionId"),
        Rejection("probe without probeId", "latency:probe", "{}", .missingField, field: "data.probeId"),
        Rejection("model without builtin or asset", "device:add", #"{"kind":"agv","name":"A","position":[0,0,0],"model":{}}"#, .missingField, field: "data.model"),
    ]

    static let unexpected: [Rejection] = [
        Rejection("extra zoom field", "camera:zoom", #"{"factor":2,"speed":1}"#, .unexpectedField, field: "data.speed"),
        Rejection("extra drag field", "device:drag", #"{"deviceId":"\#(dev)","position":[0,0,0],"rotation":[0,0,0]}"#, .unexpectedField, field: "data.rotation"),
        Rejection("click mixing both forms", "device:click", #"{"deviceId":"\#(dev)","x":1}"#, .unexpectedField, field: "data.x"),
        Rejection("update of the id-less field", "device:update", #"{"deviceId":"\#(dev)","color":"red"}"#, .unexpectedField, field: "data.color"),
        Rejection("model with both sources", "device:add", #"{"kind":"agv","name":"A","position":[0,0,0],"model":{"builtin":"agv","asset":"\#(String(repeating: "0", count: 64))"}}"#, .unexpectedField, field: "data.model"),
        Rejection("model with an extra key", "device:add", #"{"kind":"agv","name":"A","position":[0,0,0],"model":{"builtin":"agv","lod":2}}"#, .unexpectedField, field: "data.model.lod"),
        Rejection("extra probe field", "latency:probe", #"{"probeId":"p","sentAt":3}"#, .unexpectedField, field: "data.sentAt"),
    ]

    static let wrongTypeCases: [Rejection] = [
        Rejection("factor as string", "camera:zoom", #"{"factor":"2"}"#, .wrongType, field: "data.factor"),
        Rejection("orbit delta as bool", "camera:orbit", #"{"dAzimuth":true,"dElevation":0}"#, .wrongType, field: "data.dAzimuth"),
        Rejection("position with two numbers", "device:drag", #"{"deviceId":"\#(dev)","position":[1,2]}"#, .wrongType, field: "data.position"),
        Rejection("position with four numbers", "device:drag", #"{"deviceId":"\#(dev)","position":[1,2,3,4]}"#, .wrongType, field: "data.position"),
        Rejection("position with a string", "device:drag", #"{"deviceId":"\#(dev)","position":[1,2,"3"]}"#, .wrongType, field: "data.position"),
        Rejection("position as object", "device:drag", #"{"deviceId":"\#(dev)","position":{"x":1,"y":2,"z":3}}"#, .wrongType, field: "data.position"),
        Rejection("target as number", "camera:set", #"{"target":0,"distance":10,"azimuth":0,"elevation":0,"fov":50}"#, .wrongType, field: "data.target"),
        Rejection("name as number", "device:add", #"{"kind":"agv","name":5,"position":[0,0,0]}"#, .wrongType, field: "data.name"),
        Rejection("kind as null", "device:add", #"{"kind":null,"name":"A","position":[0,0,0]}"#, .wrongType, field: "data.kind"),
        Rejection("deviceId as number", "device:remove", #"{"deviceId":12}"#, .wrongType, field: "data.deviceId"),
        Rejection("select with a number", "device:select", #"{"deviceId":0}"#, .wrongType, field: "data.deviceId"),
        Rejection("metadata as array", "device:update", #"{"deviceId":"\#(dev)","metadata":[1]}"#, .wrongType, field: "data.metadata"),
        Rejection("model as string", "device:add", #"{"kind":"agv","name":"A","position":[0,0,0],"model":"agv"}"#, .wrongType, field: "data.model"),
        Rejection("fractional view width", "device:click", #"{"x":1,"y":1,"width":10.5,"height":10}"#, .wrongType, field: "data.width"),
        Rejection("probeId as number", "latency:probe", #"{"probeId":1}"#, .wrongType, field: "data.probeId"),
        Rejection("direction as number", "connection:create", #"{"sourceDeviceId":"\#(dev)","targetDeviceId":"\#(dev2)","type":"data","direction":1}"#, .wrongType, field: "data.direction"),
    ]

    static let outOfRange: [Rejection] = [
        Rejection("orbit delta over 3600", "camera:orbit", #"{"dAzimuth":3600.5,"dElevation":0}"#, .outOfRange, field: "data.dAzimuth"),
        Rejection("orbit delta under -3600", "camera:orbit", #"{"dAzimuth":0,"dElevation":-3601}"#, .outOfRange, field: "data.dElevation"),
        Rejection("pan over 100", "camera:pan", #"{"dx":101,"dy":0}"#, .outOfRange, field: "data.dx"),
        Rejection("zoom by 0", "camera:zoom", #"{"factor":0}"#, .outOfRange, field: "data.factor"),
        Rejection("zoom by a negative", "camera:zoom", #"{"factor":-2}"#, .outOfRange, field: "data.factor"),
        Rejection("zoom over 100", "camera:zoom", #"{"factor":100.01}"#, .outOfRange, field: "data.factor"),
        Rejection("set distance too small", "camera:set", #"{"target":[0,0,0],"distance":0.4,"azimuth":0,"elevation":0,"fov":50}"#, .outOfRange, field: "data.distance"),
        Rejection("set azimuth of 360", "camera:set", #"{"target":[0,0,0],"distance":10,"azimuth":360,"elevation":0,"fov":50}"#, .outOfRange, field: "data.azimuth"),
        Rejection("set negative azimuth", "camera:set", #"{"target":[0,0,0],"distance":10,"azimuth":-1,"elevation":0,"fov":50}"#, .outOfRange, field: "data.azimuth"),
        Rejection("set elevation of 90", "camera:set", #"{"target":[0,0,0],"distance":10,"azimuth":0,"elevation":90,"fov":50}"#, .outOfRange, field: "data.elevation"),
        Rejection("set fov of 5", "camera:set", #"{"target":[0,0,0],"distance":10,"azimuth":0,"elevation":0,"fov":5}"#, .outOfRange, field: "data.fov"),
        Rejection("set target too far", "camera:set", #"{"target":[0,100001,0],"distance":10,"azimuth":0,"elevation":0,"fov":50}"#, .outOfRange, field: "data.target"),
        Rejection("pointer beyond 1", "pointer:move", #"{"x":1.01,"y":0}"#, .outOfRange, field: "data.x"),
        Rejection("pointer below 0", "pointer:move", #"{"x":0,"y":-0.1}"#, .outOfRange, field: "data.y"),
        Rejection("click outside the view", "device:click", #"{"x":11,"y":1,"width":10,"height":10}"#, .outOfRange, field: "data.x"),
        Rejection("click in a zero-width view", "device:click", #"{"x":0,"y":0,"width":0,"height":10}"#, .outOfRange, field: "data.width"),
        Rejection("click in a huge view", "device:click", #"{"x":0,"y":0,"width":10,"height":20000}"#, .outOfRange, field: "data.height"),
        Rejection("position too far", "device:drag", #"{"deviceId":"\#(dev)","position":[100000.5,0,0]}"#, .outOfRange, field: "data.position"),
        Rejection("rotation over 3600", "device:update", #"{"deviceId":"\#(dev)","rotation":[0,3601,0]}"#, .outOfRange, field: "data.rotation"),
        Rejection("scale too small", "device:update", #"{"deviceId":"\#(dev)","scale":[1,0.0009,1]}"#, .outOfRange, field: "data.scale"),
        Rejection("scale too large", "device:add", #"{"kind":"agv","name":"A","position":[0,0,0],"scale":[1001,1,1]}"#, .outOfRange, field: "data.scale"),
        Rejection("scale of zero", "device:update", #"{"deviceId":"\#(dev)","scale":[0,1,1]}"#, .outOfRange, field: "data.scale"),
        Rejection("empty name", "device:add", #"{"kind":"agv","name":"","position":[0,0,0]}"#, .outOfRange, field: "data.name"),
        Rejection("name of 201 characters", "device:update", #"{"deviceId":"\#(dev)","name":"\#(String(repeating: "n", count: 201))"}"#, .outOfRange, field: "data.name"),
        Rejection("name with a control character", "device:add", #"{"kind":"agv","name":"bell\u0007","position":[0,0,0]}"#, .outOfRange, field: "data.name"),
        Rejection("name with a newline", "device:update", #"{"deviceId":"\#(dev)","name":"two\nlines"}"#, .outOfRange, field: "data.name"),
        Rejection("metadata over 4 KiB", "device:update", #"{"deviceId":"\#(dev)","metadata":{"blob":"\#(String(repeating: "m", count: 4_090))"}}"#, .outOfRange, field: "data.metadata"),
        Rejection("unknown device kind", "device:add", #"{"kind":"robot","name":"A","position":[0,0,0]}"#, .outOfRange, field: "data.kind"),
        Rejection("unknown builtin model", "device:update", #"{"deviceId":"\#(dev)","model":{"builtin":"spaceship"}}"#, .outOfRange, field: "data.model.builtin"),
        Rejection("unknown connection type", "connection:create", #"{"sourceDeviceId":"\#(dev)","targetDeviceId":"\#(dev2)","type":"steam"}"#, .outOfRange, field: "data.type"),
        Rejection("unknown direction", "connection:create", #"{"sourceDeviceId":"\#(dev)","targetDeviceId":"\#(dev2)","type":"data","direction":"sideways"}"#, .outOfRange, field: "data.direction"),
        Rejection("empty probe id", "latency:probe", #"{"probeId":""}"#, .outOfRange, field: "data.probeId"),
        Rejection("probe id of 65 characters", "latency:probe", #"{"probeId":"\#(String(repeating: "p", count: 65))"}"#, .outOfRange, field: "data.probeId"),
    ]

    static let malformedIDCases: [Rejection] = [
        Rejection("command id not a UUID", Fixture.message("latency:probe", #"{"probeId":"p"}"#, id: "not-a-uuid"), .invalidID, field: "id", hasRef: false),
        Rejection("command id in braces", Fixture.message("latency:probe", #"{"probeId":"p"}"#, id: "{\(cid)}"), .invalidID, field: "id", hasRef: false),
        Rejection("command id without hyphens", Fixture.message("latency:probe", #"{"probeId":"p"}"#, id: cid.replacingOccurrences(of: "-", with: "")), .invalidID, field: "id", hasRef: false),
        Rejection("deviceId too short", "device:remove", #"{"deviceId":"00000000-0000-4000-8000-00000000001"}"#, .invalidID, field: "data.deviceId"),
        Rejection("deviceId with a non-hex digit", "device:drag", #"{"deviceId":"00000000-0000-4000-8000-00000000000g","position":[0,0,0]}"#, .invalidID, field: "data.deviceId"),
        Rejection("select with a malformed id", "device:select", #"{"deviceId":"pump"}"#, .invalidID, field: "data.deviceId"),
        Rejection("connection id malformed", "connection:remove", #"{"connectionId":""}"#, .invalidID, field: "data.connectionId"),
        Rejection("new connection id malformed", "connection:create", #"{"sourceDeviceId":"\#(dev)","targetDeviceId":"\#(dev2)","type":"data","connectionId":"c1"}"#, .invalidID, field: "data.connectionId"),
        Rejection("asset hash in uppercase", "device:update", #"{"deviceId":"\#(dev)","model":{"asset":"\#(String(repeating: "AB", count: 32))"}}"#, .invalidID, field: "data.model.asset"),
        Rejection("asset hash too short", "device:update", #"{"deviceId":"\#(dev)","model":{"asset":"\#(String(repeating: "a", count: 63))"}}"#, .invalidID, field: "data.model.asset"),
    ]

    @Test(arguments: envelope + syntax)
    func envelopeAndSyntax(_ rejection: Rejection) { check(rejection) }

    @Test(arguments: missing)
    func missingFields(_ rejection: Rejection) { check(rejection) }

    @Test(arguments: unexpected)
    func unexpectedFields(_ rejection: Rejection) { check(rejection) }

    @Test(arguments: wrongTypeCases)
    func wrongTypes(_ rejection: Rejection) { check(rejection) }

    @Test(arguments: outOfRange)
    func outOfRangeValues(_ rejection: Rejection) { check(rejection) }

    @Test(arguments: malformedIDCases)
    func malformedIDs(_ rejection: Rejection) { check(rejection) }

    @Test func messagesAreOneSentenceNamingTheField() throws {
        let error = try #require(Fixture.decodeError("device:drag", #"{"deviceId":"\#(dev)","position":[1]}"#))
        #expect(error.message == #"field "data.position" must be an array of 3 numbers"#)
        let missing = try #require(Fixture.decodeError("camera:zoom", "{}"))
        #expect(missing.message == #"field "data.factor" is required"#)
        let tooLarge = try #require(Fixture.decodeError(Array(repeating: 0x20, count: 65_537)))
        #expect(tooLarge.message == "the message is 65537 bytes; the limit is 65536 bytes")
        let unknown = try #require(Fixture.decodeError("device:teleport", "{}"))
        #expect(unknown.message == #"field "type" names no known command: "device:teleport""#)
    }

    @Test func parseFailuresKeepTheirCause() throws {
        let error = try #require(Fixture.decodeError("camera:zoom", #"{"factor":NaN}"#))
        let cause = try #require(error.underlying as? JSONParseError)
        #expect(cause.reason == .unexpectedByte(UInt8(ascii: "N")))
    }

    private func check(_ rejection: Rejection, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error = Fixture.decodeError(rejection.bytes, sourceLocation: sourceLocation) else { return }
        #expect(error.code == rejection.code, "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.ref == (rejection.hasRef ? Fixture.commandID : nil), sourceLocation: sourceLocation)
        if let field = rejection.field {
            #expect(error.message.contains("\"\(field)\""), "\(error.message)", sourceLocation: sourceLocation)
        }
        #expect(!error.message.isEmpty && !error.message.contains("\n"), sourceLocation: sourceLocation)
    }
}

private func raw(_ text: String) -> [UInt8] { Array(text.utf8) }
