package import SceneLedger

extension SceneTimeSpec {
    /// TIME as `scenecast replay` takes it (`--at`, `--from`, `--to`): offsets count from
    /// the session's start. Anything else is one `invalid_time` sentence.
    package static func replayTime(_ text: String) throws(ReplayError) -> SceneTimeSpec {
        guard let time = parse(text) else {
            throw ReplayError(.invalidTime, "\"\(text)\" is not a time: give \(formats)")
        }
        return time
    }
}
