import Foundation
import ScenecastTerminal
import SceneLedger

/// The size of the `events` table the throughput runs write into, and the WAL they cost.
///
/// The ledger-to-COPY ratio moves with the table's size (how much of the idempotency index
/// still fits in shared buffers) and with the checkpoint phase (the first change to a page
/// after a checkpoint writes the whole page into the WAL). So the bench states the size,
/// starts every measured phase right after a checkpoint, and reports WAL bytes and
/// full-page images per row for both writers.
extension LedgerBench {
    struct TableSize: CustomStringConvertible {
        var rows: Int64
        var heapBytes: Int64
        var indexBytes: Int64

        var description: String {
            "\(Format.count(rows)) rows, \(Format.count((heapBytes + 512 * 1024) / (1024 * 1024))) MiB heap + \(Format.count((indexBytes + 512 * 1024) / (1024 * 1024))) MiB indexes"
        }

        var short: String { "\(Format.fixed(Double(rows) / 1e6, 2))M rows" }
    }

    /// WAL written between two readings of `pg_stat_wal` (cluster-wide).
    struct WALCounters {
        var records: Int64
        var fullPageImages: Int64
        var bytes: Int64

        static func - (a: WALCounters, b: WALCounters) -> WALCounters {
            WALCounters(records: a.records - b.records, fullPageImages: a.fullPageImages - b.fullPageImages, bytes: a.bytes - b.bytes)
        }

        func perRow(_ rows: Int) -> String {
            let n = Double(max(rows, 1))
            return "\(Format.count(Int64(Double(bytes) / n))) B and \(Format.fixed(Double(fullPageImages) / n, 3)) full-page images per row"
        }
    }

    func tableSize() async throws -> TableSize {
        let rows = try await store.pool.withConnection { c throws(LedgerError) in
            try await c.query(
                "SELECT count(*), pg_relation_size('events'), pg_indexes_size('events') FROM events"
            )
        }
        guard let row = rows.first, let n = row[0].flatMap({ Int64($0) }), let heap = row[1].flatMap({ Int64($0) }),
            let indexes = row[2].flatMap({ Int64($0) })
        else { throw BenchError("Could not read the size of the events table.") }
        return TableSize(rows: n, heapBytes: heap, indexBytes: indexes)
    }

    func walCounters() async throws -> WALCounters {
        let rows = try await store.pool.withConnection { c throws(LedgerError) in
            try await c.query("SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal")
        }
        guard let row = rows.first, let records = row[0].flatMap({ Int64($0) }), let fpi = row[1].flatMap({ Int64($0) }),
            let bytes = row[2].flatMap({ Int64($0) })
        else { throw BenchError("Could not read pg_stat_wal.") }
        return WALCounters(records: records, fullPageImages: fpi, bytes: bytes)
    }

    /// Starts the next phase at the same point of the checkpoint cycle as the others, and
    /// with no autovacuum running: each phase inserts (and each raw COPY rolls back) 200,000
    /// rows, which soon sends autovacuum over `events`, and a phase that overlaps it measures
    /// the vacuum too. Needs superuser or `pg_checkpoint`; without either the phases are
    /// only not aligned.
    func checkpoint() async -> Bool {
        await waitForAutovacuum()
        return await checkpointNow()
    }

    /// Waits (up to 10 minutes) while an autovacuum worker runs, showing which table.
    func waitForAutovacuum() async {
        var progress: ProgressLine?
        let start = ProgressLine.now()
        while ProgressLine.now() - start < 600_000_000_000 {
            let rows = try? await store.pool.withConnection { c throws(LedgerError) in
                try await c.query("SELECT query FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND state = 'active'")
            }
            guard let rows, let first = rows.first else { break }
            let seconds = Int64((ProgressLine.now() - start) / 1_000_000_000)
            if progress == nil { progress = ProgressLine("waiting for autovacuum to finish before the next phase") }
            progress?.update(seconds, note: (first[0] ?? "").replacingOccurrences(of: "autovacuum: ", with: ""))
            try? await Task.sleep(for: .milliseconds(500))
        }
        progress?.finish(Int64((ProgressLine.now() - start) / 1_000_000_000), note: "done")
    }

    private func checkpointNow() async -> Bool {
        do {
            _ = try await store.pool.withConnection { c throws(LedgerError) in try await c.query("CHECKPOINT") }
            return true
        } catch {
            return false
        }
    }

    /// Appends through the ledger writer until `events` holds at least `rows` rows, so every
    /// run measures a table of at least the stated size.
    func fillTable(to rows: Int64) async throws {
        let size = try await tableSize()
        guard size.rows < rows else { return }
        let missing = Int(rows - size.rows)
        let lease = try await newScenes(1, prefix: "bench table filler").first!
        var workload = BenchWorkload(seed: UInt64.random(in: 0...UInt64.max), commandIDs: commandIDs)
        let sessionID = UUID()
        var appended = 0
        while appended < missing {
            let n = min(200_000, missing - appended)
            let requests = (0..<n).map { _ in workload.request(lease, session: sessionID) }
            _ = try await appendAll(requests, label: "filling events to \(Format.count(rows)) rows", concurrency: concurrency)
            appended += n
        }
        await store.releaseLease(lease)
    }
}
