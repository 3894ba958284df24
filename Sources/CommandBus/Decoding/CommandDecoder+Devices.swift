import SceneLedger

/// The `data` of device commands.
extension CommandDecoder {
    static let updatableDeviceFields = ["kind", "name", "model", "position", "rotation", "scale", "metadata"]

    /// Either `{"deviceId"}` or `{"x","y","width","height"}`; a `deviceId` selects the first
    /// form. The plan's `{"screenX","screenY","deviceId"?}` are pixels of the sender's `view`.
    static func deviceClick(_ data: FieldReader, view: ViewSize) throws(CommandError) -> Command {
        if try usesPlanForm(data, plan: planClickFields, typed: ["x", "y", "width", "height"]) {
            return try planDeviceClick(data, view: view)
        }
        if data.has("deviceId") {
            try data.allowOnly(["deviceId"])
            return .deviceClick(.device(try data.uuid("deviceId")))
        }
        try data.allowOnly(["x", "y", "width", "height"])
        let sizes = CommandLimits.viewSize
        let sizeRange = Int64(sizes.lowerBound)...Int64(sizes.upperBound)
        let x = try data.number("x")
        let y = try data.number("y")
        let width = Int(try data.integer("width", in: sizeRange))
        let height = Int(try data.integer("height", in: sizeRange))
        guard x >= 0, x <= Double(width) else {
            throw .outOfRange(data.path(of: "x"), "between 0 and the view width (\(width))")
        }
        guard y >= 0, y <= Double(height) else {
            throw .outOfRange(data.path(of: "y"), "between 0 and the view height (\(height))")
        }
        return .deviceClick(.point(x: x, y: y, width: width, height: height))
    }

    static func deviceSelect(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(["deviceId"])
        return .deviceSelect(try data.nullableUUID("deviceId"))
    }

    /// `{"deviceId","position"}`, or the plan's `{"deviceId","positionX","positionY","positionZ"}`.
    static func deviceDrag(_ data: FieldReader) throws(CommandError) -> Command {
        if try usesPlanForm(data, plan: planDragFields, typed: ["position"]) {
            return try planDeviceDrag(data)
        }
        try data.allowOnly(["deviceId", "position"])
        return .deviceDrag(id: try data.uuid("deviceId"), position: try data.coordinates("position"))
    }

    static func deviceAdd(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(["deviceId", "kind", "name", "position", "model", "rotation", "scale", "metadata"])
        let id = try data.optional("deviceId", data.uuid)
        let kind = try data.choice("kind", of: DeviceKind.self)
        let name = try data.name("name")
        let position = try data.coordinates("position")
        return .deviceAdd(
            Command.NewDevice(
                id: id,
                kind: kind,
                name: name,
                model: try data.optional("model", data.model),
                position: position,
                rotation: try data.optional("rotation", data.rotation),
                scale: try data.optional("scale", data.scale),
                metadata: try data.optional("metadata", data.metadata)
            ))
    }

    static func deviceRemove(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(["deviceId"])
        return .deviceRemove(try data.uuid("deviceId"))
    }

    static func deviceUpdate(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(Set(["deviceId"] + updatableDeviceFields))
        let id = try data.uuid("deviceId")
        guard updatableDeviceFields.contains(where: data.has) else {
            let names = updatableDeviceFields.map { "\"\($0)\"" }.joined(separator: ", ")
            throw CommandError(.missingField, "field \"data\" must contain at least one of \(names)")
        }
        return .deviceUpdate(
            DeviceUpdate(
                id: id,
                kind: try data.optional("kind") { (key: String) throws(CommandError) in
                    try data.choice(key, of: DeviceKind.self)
                },
                name: try data.optional("name", data.name),
                model: try data.optional("model", data.model),
                position: try data.optional("position", data.coordinates),
                rotation: try data.optional("rotation", data.rotation),
                scale: try data.optional("scale", data.scale),
                metadata: try data.optional("metadata", data.metadata)
            ))
    }
}
