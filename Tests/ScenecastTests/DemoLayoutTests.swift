import Foundation
import SceneLedger
import Testing
@testable import ScenecastFixtures

/// The demo plant reads as a factory: lines whose stations feed each other in order,
/// material from storage, AGVs in the aisles, short links, no device inside another.
@Suite("Demo plant layout")
struct DemoLayoutTests {
    static let sizes = [1, 2, 5, 10, 11, 37, 100, 1000, 1234]

    struct Cell: Hashable {
        var line: Int
        var cell: Int
    }

    static func cell(_ device: Device) -> Cell? {
        guard let line = device.metadata["line"]?.doubleValue, let cell = device.metadata["cell"]?.doubleValue else { return nil }
        return Cell(line: Int(line), cell: Int(cell))
    }

    static func distance(_ a: Device, _ b: Device) -> Double {
        let (dx, dz) = (a.position.x - b.position.x, a.position.z - b.position.z)
        return (dx * dx + dz * dz).squareRoot()
    }

    @Test("the same N gives the same plant, of N devices with unique ids and well-formed connections", arguments: sizes)
    func deterministicAndWellFormed(n: Int) {
        let a = DemoFactory(deviceCount: n)
        let b = DemoFactory(deviceCount: n)
        #expect(a.devices == b.devices)
        #expect(a.connections == b.connections)
        #expect(a.devices.count == n)
        let ids = Set(a.devices.map(\.id))
        #expect(ids.count == n)
        for c in a.connections {
            #expect(ids.contains(c.source) && ids.contains(c.target) && c.source != c.target)
        }
        let keys = a.connections.map { [$0.kind.rawValue, min($0.source.uuidString, $0.target.uuidString), max($0.source.uuidString, $0.target.uuidString)] }
        #expect(Set(keys).count == keys.count, "duplicate connections")
        // Every device but the AGVs stands on a line; the AGVs are the only ones that do not.
        #expect(a.devices.allSatisfy { ($0.kind == .agv) == (Self.cell($0) == nil) })
        #expect(a.devices.filter { $0.kind == .agv }.count == DemoFactory.agvCount(devices: n))
        if n >= 2 { #expect(!a.connections.isEmpty) }
    }

    @Test("production flow joins neighbouring stations of one line, in order, and every line is one chain", arguments: sizes)
    func productionFollowsTheLines(n: Int) throws {
        let plant = DemoFactory(deviceCount: n)
        let byID = Dictionary(uniqueKeysWithValues: plant.devices.map { ($0.id, $0) })
        var fed: Set<UUID> = []
        for c in plant.connections where c.kind == .production {
            let s = try #require(byID[c.source].flatMap(Self.cell))
            let t = try #require(byID[c.target].flatMap(Self.cell))
            #expect(s.line == t.line && t.cell == s.cell + 1, "production \(s) → \(t)")
            #expect(s.cell >= 2, "the input rack feeds its line by material flow, not production")
            #expect(fed.insert(c.target).inserted, "a station fed twice")
        }
        // Each station after the first of its line is fed by the one before it.
        for d in plant.devices {
            guard let cell = Self.cell(d), cell.cell >= 3 else { continue }
            #expect(fed.contains(d.id), "\(d.name) is not fed by its line")
        }
        // Stations of a line stand in a row along X, in the order they feed each other.
        let lines = Dictionary(grouping: plant.devices.filter { Self.cell($0) != nil }) { Self.cell($0)!.line }
        for (_, members) in lines {
            let ordered = members.sorted { Self.cell($0)!.cell < Self.cell($1)!.cell }
            #expect(Set(ordered.map(\.position.z)).count == 1)
            #expect(zip(ordered, ordered.dropFirst()).allSatisfy { $0.position.x < $1.position.x })
        }
    }

    @Test("material flow starts at storage (or an AGV that storage loads) and feeds every line", arguments: sizes)
    func materialStartsAtStorage(n: Int) throws {
        let plant = DemoFactory(deviceCount: n)
        let byID = Dictionary(uniqueKeysWithValues: plant.devices.map { ($0.id, $0) })
        let material = plant.connections.filter { $0.kind == .material }
        for c in material {
            let source = try #require(byID[c.source])
            #expect([.storage, .agv].contains(source.kind), "material from \(source.name)")
            if source.kind == .agv {
                #expect(byID[c.target]?.kind == .storage, "an AGV delivers to storage")
            }
        }
        for agv in plant.devices where agv.kind == .agv {
            let loads = material.filter { $0.target == agv.id }.compactMap { byID[$0.source] }
            #expect(!loads.isEmpty && loads.allSatisfy { $0.kind == .storage }, "\(agv.name) is loaded from storage")
            #expect(material.contains { $0.source == agv.id } || loads.count == 1)
        }
        // The input rack (cell 1) feeds the second station of every line that has one.
        for d in plant.devices where Self.cell(d)?.cell == 2 {
            let line = Self.cell(d)!.line
            #expect(material.contains { $0.target == d.id && byID[$0.source].flatMap(Self.cell) == Cell(line: line, cell: 1) })
        }
    }

    @Test("a few data and power links: data to the line's first work center, power to each robot arm from its neighbour", arguments: sizes)
    func dataAndPower(n: Int) throws {
        let plant = DemoFactory(deviceCount: n)
        let byID = Dictionary(uniqueKeysWithValues: plant.devices.map { ($0.id, $0) })
        let data = plant.connections.filter { $0.kind == .data }
        let power = plant.connections.filter { $0.kind == .power }
        #expect(data.count + power.count <= max(1, n / 2))
        for c in data {
            let (s, t) = (try #require(byID[c.source]), try #require(byID[c.target]))
            #expect(s.kind == .workCenter && t.kind == .workCenter && Self.cell(s)?.line == Self.cell(t)?.line)
            #expect(Self.cell(t)!.cell < Self.cell(s)!.cell)
        }
        for arm in plant.devices where arm.kind == .robotArm {
            let feeds = power.filter { $0.target == arm.id }.compactMap { byID[$0.source].flatMap(Self.cell) }
            #expect(feeds == [Cell(line: Self.cell(arm)!.line, cell: Self.cell(arm)!.cell - 1)], "\(arm.name)")
        }
        if n >= 100 { #expect(!data.isEmpty && !power.isEmpty) }
    }

    @Test("no connection spans more than 30 m: nothing criss-crosses the hall", arguments: sizes)
    func connectionsAreShort(n: Int) throws {
        let plant = DemoFactory(deviceCount: n)
        let byID = Dictionary(uniqueKeysWithValues: plant.devices.map { ($0.id, $0) })
        for c in plant.connections {
            let (s, t) = (try #require(byID[c.source]), try #require(byID[c.target]))
            #expect(Self.distance(s, t) <= 30, "\(c.kind) \(s.name) → \(t.name): \(Self.distance(s, t)) m")
        }
    }

    @Test("devices keep at least 0.5 m apart, and the hall is centred and about square", arguments: sizes)
    func noOverlap(n: Int) {
        let plant = DemoFactory(deviceCount: n)
        let boxes = plant.devices.map { d -> (minX: Double, maxX: Double, minZ: Double, maxZ: Double) in
            let f = DemoFactory.footprint(of: d.kind, yaw: d.rotation.y)
            return (d.position.x - f.x / 2, d.position.x + f.x / 2, d.position.z - f.z / 2, d.position.z + f.z / 2)
        }
        var overlaps: [String] = []
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                let (a, b) = (boxes[i], boxes[j])
                let apartX = a.maxX + 0.5 <= b.minX || b.maxX + 0.5 <= a.minX
                let apartZ = a.maxZ + 0.5 <= b.minZ || b.maxZ + 0.5 <= a.minZ
                if !apartX && !apartZ { overlaps.append("\(plant.devices[i].name) / \(plant.devices[j].name)") }
            }
        }
        #expect(overlaps.isEmpty, "\(overlaps.prefix(5))")
        let (minX, maxX) = (boxes.map(\.minX).min()!, boxes.map(\.maxX).max()!)
        let (minZ, maxZ) = (boxes.map(\.minZ).min()!, boxes.map(\.maxZ).max()!)
        #expect(abs(minX + maxX) / 2 < 1, "centred in X: \(minX)...\(maxX)")
        #expect(abs(minZ + maxZ) / 2 < DemoFactory.linePitch, "centred in Z: \(minZ)...\(maxZ)")
        if n >= 100 {
            let aspect = (maxX - minX) / (maxZ - minZ)
            #expect(aspect > 1.0 / 3 && aspect < 3, "aspect \(aspect)")
        }
    }
}
