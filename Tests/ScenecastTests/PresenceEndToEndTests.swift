import Foundation
import SceneLedger
import ScenecastTestSupport
import Testing

/// Presence over a live `scenecast serve` and a real PostgreSQL: another participant's
/// camera reaches the others coalesced, while the sender gets its own updates and acks.
@Suite("Presence over /signal", .serialized)
struct PresenceEndToEndTests {
    @Test("an observer's camera moves reach another participant coalesced; the sender gets each update and ack; edits say where they start")
    func cameraIsPresence() async throws {
        let db = try await TestDatabase.make()
        let server = try await ServerProcess(database: db.conninfo, extra: ["--demo", "10"])
        let mover = SignalClient(port: server.port)
        let watcher = SignalClient(port: server.port)
        let driver = SignalClient(port: server.port)
        do {
            let (_, driverFull) = try await driver.join(role: "driver")
            let (moverJoined, _) = try await mover.join(role: "observer", name: "mover")
            let (_, watcherFull) = try await watcher.join(role: "observer", name: "watcher")
            let moverID = try #require(moverJoined["participant"]?.stringValue)
            let watcherVersion = try #require(watcherFull["version"]?.doubleValue)
            let device = try #require(driverFull["devices"]?.arrayValue?.first?["id"]?.stringValue)

            // 60 orbits, one every 5 ms: 200 a second, twenty times the presence rate.
            let count = 60
            var ids: [UUID] = []
            let start = Date()
            for _ in 0..<count {
                let id = UUID()
                ids.append(id)
                mover.send(command("camera:orbit", ["dAzimuth": 1, "dElevation": 0], id: id))
                try await Task.sleep(for: .milliseconds(5))
            }
            // The sender: its own state:update and its ack for every command.
            var azimuth: Double?
            var seen: [String] = []
            while seen.filter({ $0.hasPrefix("ack") }).count < count {
                let m = try await mover.next(within: 20)
                guard let ref = m["ref"]?.stringValue, let type = m["type"]?.stringValue else { continue }
                seen.append("\(type) \(ref)")
                if type == "state:update" {
                    azimuth = m["changes"]?.arrayValue?.last?["data"]?["camera"]?["azimuth"]?.doubleValue
                }
            }
            // Updates go out at once and acks after each commit, so they interleave; each
            // kind keeps command order, and each update comes before its ack.
            let refs = ids.map { $0.uuidString.lowercased() }
            #expect(seen.filter { $0.hasPrefix("state:update ") }.map { String($0.dropFirst(13)) } == refs)
            #expect(seen.filter { $0.hasPrefix("ack ") }.map { String($0.dropFirst(4)) } == refs)
            for ref in refs {
                let update = try #require(seen.firstIndex(of: "state:update \(ref)"))
                let ack = try #require(seen.firstIndex(of: "ack \(ref)"))
                #expect(update < ack)
            }
            let sendSeconds = Date().timeIntervalSince(start)
            let finalAzimuth = try #require(azimuth)

            // The watcher: presence messages only, the mover's newest camera last.
            var presence: [Double] = []
            var updates: [JSONValue] = []
            let deadline = Date().addingTimeInterval(10)
            while presence.last != finalAzimuth && Date() < deadline {
                let m = try await watcher.next(within: 10)
                switch m["type"]?.stringValue {
                case "presence":
                    let entries = try #require(m["participants"]?.arrayValue)
                    #expect(entries.allSatisfy { $0["id"]?.stringValue != nil && $0["camera"] != nil })
                    if let mine = entries.first(where: { $0["id"]?.stringValue == moverID }) {
                        presence.append(try #require(mine["camera"]?["azimuth"]?.doubleValue))
                    }
                case "state:update": updates.append(m)
                default: break
                }
            }
            #expect(presence.last == finalAzimuth, "the newest camera arrives: \(presence) vs \(finalAzimuth)")
            // At most ten a second (with one for the start and one for the end).
            let elapsed = Date().timeIntervalSince(start)
            #expect(presence.count >= 1 && Double(presence.count) <= elapsed * 10 + 2, "\(presence.count) in \(elapsed) s")
            #expect(presence.count < count / 2, "coalesced: \(presence.count) presence messages for \(count) moves in \(sendSeconds) s")
            // None of the mover's camera changes came as state:update.
            #expect(updates.isEmpty, "\(updates.map(\.canonicalString))")

            // The driver's next edit reaches the watcher saying it follows the watcher's version.
            let drag = UUID()
            driver.send(command("device:drag", ["deviceId": .string(device), "position": [1, 0, 2]], id: drag))
            var edit: JSONValue?
            while edit == nil {
                let m = try await watcher.next(type: "state:update", within: 10)
                if m["ref"]?.stringValue == drag.uuidString.lowercased() { edit = m }
            }
            let update = try #require(edit)
            #expect(update["from"]?.doubleValue == watcherVersion + 1)
            let version = try #require(update["version"]?.doubleValue)
            #expect(version == watcherVersion + Double(count) + 1)
            #expect(update["changes"]?.arrayValue?.count == 1)
        } catch {
            for c in [mover, watcher, driver] { c.close() }
            await server.stop()
            throw error
        }
        for c in [mover, watcher, driver] { c.close() }
        #expect(await server.stop() == 0)
    }
}
