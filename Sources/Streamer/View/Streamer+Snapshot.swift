extension Streamer {
    /// The next frame of the live view `id` (its id in `/api/views`) as RGBA with the
    /// version, scene time and camera it was drawn at: what `GET /api/views/ID/frame` answers.
    package func snapshot(view id: String) async throws(StreamerError) -> ViewSnapshot {
        guard let entry = views.first(where: { $0.key.id == id.lowercased() })?.value else {
            throw StreamerError(.unknownView, "No live view has the id \(id); GET /api/views lists them")
        }
        guard let snapshot = await entry.view.snapshot() else {
            throw StreamerError(.closed, "The view \(id) drew no frame within 5 s (it stopped, or has no scene state yet); try again")
        }
        return snapshot
    }
}
