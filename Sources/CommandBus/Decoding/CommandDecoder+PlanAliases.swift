import SceneLedger

/// The input commands as the plan writes them (section 4.2.2), accepted as aliases of the
/// typed commands and converted here, once, into the same `Command` the typed form gives:
/// the dispatcher, the ledger and every other client see only the typed form.
///
/// | plan form | typed form |
/// |---|---|
/// | `camera:orbit {deltaX, deltaY}` (pixels) | `{dAzimuth: -deltaX·k, dElevation: deltaY·k}`, k = `orbitDegreesPerPixel` |
/// | `device:click {screenX, screenY}` (pixels of the sender's view) | `{x, y, width, height}` with the sender's view size |
/// | `device:click {screenX, screenY, deviceId}` | `{deviceId}` (the client picked it; the coordinates are still checked) |
/// | `device:drag {deviceId, positionX, positionY, positionZ}` | `{deviceId, position: [x, y, z]}` |
/// | `connection:create {..., type: "production_flow"}` | `type: "production"` (likewise `material_flow`, `data_flow`, `power_flow`) |
///
/// A message that mixes a plan field with a typed one of the same command gets
/// `invalid_command` naming both. Values are checked against the typed command's limits,
/// converted: an orbit delta of at most `maxOrbitDelta / orbitDegreesPerPixel` pixels.
extension CommandDecoder {
    /// Degrees of orbit per pixel of the plan's `deltaX` and `deltaY`: the web client's
    /// 360° per view height at the standard 720-pixel height.
    package static let orbitDegreesPerPixel = 0.5

    /// The plan's names of the connection kinds.
    static let connectionKindAliases: [String: ConnectionKind] = [
        "production_flow": .production, "material_flow": .material, "data_flow": .data, "power_flow": .power,
    ]

    static let planOrbitFields = ["deltaX", "deltaY"]
    static let planClickFields = ["screenX", "screenY"]
    static let planDragFields = ["positionX", "positionY", "positionZ"]

    /// Whether `data` holds any of the plan's `fields`; throws `invalid_command` when it also
    /// holds any of the typed form's `typed` fields.
    static func usesPlanForm(_ data: FieldReader, plan fields: [String], typed: [String]) throws(CommandError) -> Bool {
        guard let planField = fields.first(where: data.has) else { return false }
        if let typedField = typed.first(where: data.has) {
            let typedList = typed.map { "\"\($0)\"" }.joined(separator: ", ")
            let planList = fields.map { "\"\($0)\"" }.joined(separator: ", ")
            throw CommandError(
                .invalidCommand,
                "fields \"\(data.path(of: planField))\" and \"\(data.path(of: typedField))\" cannot be sent together: "
                    + "send either the typed form (\(typedList)) or the plan's form (\(planList))")
        }
        return true
    }

    /// `{deltaX, deltaY}` in pixels.
    static func planCameraOrbit(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(Set(planOrbitFields))
        let k = orbitDegreesPerPixel
        let limit = CommandLimits.maxOrbitDelta / k
        func pixels(_ key: String) throws(CommandError) -> Double {
            let d = try data.number(key)
            guard abs(d) <= limit else {
                throw .outOfRange(data.path(of: key), "between -\(Int(limit)) and \(Int(limit)) (pixels, \(k)° each)")
            }
            return d
        }
        let deltaX = try pixels("deltaX")
        let deltaY = try pixels("deltaY")
        // As the web client's drag: right turns the azimuth down, down turns the elevation up.
        return .cameraOrbit(dAzimuth: 0 - deltaX * k, dElevation: deltaY * k)
    }

    /// `{screenX, screenY, deviceId?}`, the coordinates in pixels of the sender's `view`.
    static func planDeviceClick(_ data: FieldReader, view: ViewSize) throws(CommandError) -> Command {
        try data.allowOnly(Set(planClickFields + ["deviceId"]))
        let x = try data.number("screenX")
        guard x >= 0, x <= Double(view.width) else {
            throw .outOfRange(data.path(of: "screenX"), "between 0 and the width of the sender's view (\(view.width) pixels, from its join)")
        }
        let y = try data.number("screenY")
        guard y >= 0, y <= Double(view.height) else {
            throw .outOfRange(data.path(of: "screenY"), "between 0 and the height of the sender's view (\(view.height) pixels, from its join)")
        }
        if data.has("deviceId") { return .deviceClick(.device(try data.uuid("deviceId"))) }
        return .deviceClick(.point(x: x, y: y, width: view.width, height: view.height))
    }

    /// `{deviceId, positionX, positionY, positionZ}`.
    static func planDeviceDrag(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(Set(["deviceId"] + planDragFields))
        let id = try data.uuid("deviceId")
        let range = -CommandLimits.maxCoordinate...CommandLimits.maxCoordinate
        let x = try data.number("positionX", in: range)
        let y = try data.number("positionY", in: range)
        let z = try data.number("positionZ", in: range)
        return .deviceDrag(id: id, position: Vec3(x, y, z))
    }

    /// A connection kind by its name or by the plan's (`production_flow`).
    static func connectionKind(_ data: FieldReader, _ key: String) throws(CommandError) -> ConnectionKind {
        let name = try data.string(key)
        if let kind = ConnectionKind(rawValue: name) ?? connectionKindAliases[name] { return kind }
        let names = ConnectionKind.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        let aliases = ConnectionKind.allCases.compactMap { kind in connectionKindAliases.first { $0.value == kind }?.key }
            .map { "\"\($0)\"" }.joined(separator: ", ")
        throw .outOfRange(data.path(of: key), "one of \(names), or the plan's \(aliases)")
    }
}
