extension NewEvent {
    /// The stored form of a scene event: its type, payload schema version and canonical payload.
    package init(_ event: SceneEvent) {
        self.init(type: event.type, schemaVersion: event.schemaVersion, payload: event.payloadBytes)
    }
}
