import SceneLedger

/// The `data` of connection commands.
extension CommandDecoder {
    /// `type` is the connection kind, by its name or the plan's (`production_flow`).
    static func connectionCreate(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(["sourceDeviceId", "targetDeviceId", "type", "connectionId", "direction"])
        let source = try data.uuid("sourceDeviceId")
        let target = try data.uuid("targetDeviceId")
        let kind = try connectionKind(data, "type")
        let id = try data.optional("connectionId", data.uuid)
        let direction = try data.optional("direction") { (key: String) throws(CommandError) in
            try data.choice(key, of: ConnectionDirection.self)
        }
        return .connectionCreate(
            Command.NewConnection(id: id, source: source, target: target, kind: kind, direction: direction ?? .forward))
    }

    static func connectionRemove(_ data: FieldReader) throws(CommandError) -> Command {
        try data.allowOnly(["connectionId"])
        return .connectionRemove(try data.uuid("connectionId"))
    }
}
