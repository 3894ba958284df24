/// Counts live GL objects per kind, so tests can prove that nothing leaks.
///
/// Every owner of a GL name reports its creation and deletion here. Not `Sendable`: it
/// lives inside `GLContext` and is touched only on the GL thread.
final class GLObjectCounter {
    enum Kind: String, CaseIterable {
        case framebuffer, renderbuffer, texture, buffer, program, shader, vertexArray
    }

    private(set) var live: [Kind: Int] = [:]

    var total: Int { live.values.reduce(0, +) }

    func created(_ kind: Kind, _ count: Int = 1) {
        live[kind, default: 0] += count
    }

    func deleted(_ kind: Kind, _ count: Int = 1) {
        live[kind, default: 0] -= count
    }

    /// Live counts keyed by kind name, omitting kinds at zero.
    var snapshot: [String: Int] {
        var result: [String: Int] = [:]
        for (kind, count) in live where count != 0 { result[kind.rawValue] = count }
        return result
    }
}
