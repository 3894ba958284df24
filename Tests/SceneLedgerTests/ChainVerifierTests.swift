import Foundation
import Testing
@testable import SceneLedger

@Suite("Chain verification, without I/O")
struct ChainVerifierTests {
    /// A valid chain of `n` events.
    func chain(_ n: Int) -> [RecordedEvent] {
        let scene = UUID()
        var prev = EventHash.genesis
        return (1...n).map { v in
            var e = RecordedEvent(
                position: Int64(v), sceneID: scene, version: Int64(v), sessionID: UUID(), actorID: UUID(), commandID: UUID(),
                commandSeq: 0, type: "pointer.moved", schemaVersion: 1, payload: Array("{\"v\":\(v)}".utf8),
                clientTimeMillis: 1, recordedAtMicros: Int64(v), prevHash: prev, hash: []
            )
            e.hash = e.computedHash
            prev = e.hash
            return e
        }
    }

    func verify(_ events: [RecordedEvent]) -> (ChainBreak?, Int64) {
        var v = ChainVerifier()
        for e in events { if let b = v.check(e) { return (b, v.checked) } }
        return (nil, v.checked)
    }

    @Test("an intact chain verifies, and its head hash is the last event's")
    func intact() {
        let events = chain(20)
        var v = ChainVerifier()
        for e in events { #expect(v.check(e) == nil) }
        #expect(v.checked == 20)
        #expect(v.headHash == events.last!.hash)
    }

    @Test("each kind of tampering is found at its version")
    func tampering() {
        var altered = chain(10)
        altered[4].payload = Array("{\"v\":99}".utf8)
        #expect(verify(altered).0?.kind == .altered)
        #expect(verify(altered).0?.version == 5)

        var deleted = chain(10)
        deleted.remove(at: 6)
        #expect(verify(deleted).0?.kind == .missing)
        #expect(verify(deleted).0?.version == 8)

        var swapped = chain(10)
        swapped.swapAt(2, 3)
        #expect(verify(swapped).0?.kind == .reordered || verify(swapped).0?.kind == .missing)

        var relinked = chain(10)
        // Versions renumbered after a swap: only the links show it.
        relinked.swapAt(2, 3)
        relinked[2].version = 3
        relinked[3].version = 4
        #expect(verify(relinked).0?.kind == .brokenLink)
        #expect(verify(relinked).0?.version == 3)

        var rehashed = chain(10)
        // Rewriting an event together with its own hash still breaks the next link.
        rehashed[5].payload = Array("{\"v\":-1}".utf8)
        rehashed[5].hash = rehashed[5].computedHash
        #expect(verify(rehashed).0?.kind == .brokenLink)
        #expect(verify(rehashed).0?.version == 7)
        #expect(verify(rehashed).1 == 6)
    }

    @Test("the envelope covers every hashed field")
    func envelopeCoverage() {
        let base = chain(1)[0]
        var variants: [RecordedEvent] = []
        var e = base; e.version = 2; variants.append(e)
        e = base; e.sessionID = UUID(); variants.append(e)
        e = base; e.actorID = UUID(); variants.append(e)
        e = base; e.commandID = UUID(); variants.append(e)
        e = base; e.commandSeq = 1; variants.append(e)
        e = base; e.type = "pointer.moves"; variants.append(e)
        e = base; e.schemaVersion = 2; variants.append(e)
        e = base; e.clientTimeMillis = 2; variants.append(e)
        e = base; e.recordedAtMicros = 2; variants.append(e)
        e = base; e.sceneID = UUID(); variants.append(e)
        for v in variants { #expect(v.computedHash != base.hash) }
        // The global position is assigned at commit and deliberately not hashed.
        e = base; e.position = 99
        #expect(e.computedHash == base.hash)
    }
}
