import ShardedHeap
import ShardedHeapStats

/// The per-shard table of a snapshot, as the demo prints it: one row per shard, `all`, and
/// `fallback`.
///
/// It differs from `StatsSnapshot.description` in one cell: `frag` is `-` where there is nothing
/// to measure, that is where no block is live (nothing committed, or only empty pages a shard
/// keeps for reuse), rather than `100.0%`, and process figures are left to the report, which
/// shows the demo's own peak.
struct ShardTable {
    /// The column titles.
    static let header = [
        "shard", "live bytes", "live allocs", "allocs", "frees", "remote frees", "foreign", "committed", "used", "frag",
    ]

    /// The rows, each with one cell per column of ``header``.
    let rows: [[String]]

    /// The table of `snapshot`.
    ///
    /// - Parameter snapshot: A snapshot of the heap to show.
    init(snapshot: StatsSnapshot) {
        var rows: [[String]] = []
        for shard in snapshot.shards {
            rows.append(
                Self.row(
                    String(shard.index),
                    shard.counters,
                    committed: shard.committedBytes,
                    used: shard.usedBytes
                )
            )
        }
        rows.append(
            Self.row(
                "all",
                snapshot.totals.counters,
                committed: snapshot.totals.committedBytes,
                used: snapshot.totals.usedBytes
            )
        )
        let fallback = snapshot.fallback.counters
        rows.append([
            "fallback", DemoFormat.bytes(fallback.liveBytes), DemoFormat.grouped(fallback.liveAllocations),
            DemoFormat.grouped(fallback.totalAllocations), DemoFormat.grouped(fallback.totalDeallocations),
            "-", "-", "-", "-", "-",
        ])
        self.rows = rows
    }

    /// The share of committed memory holding no live block, or nil when no block is live.
    ///
    /// - Parameters:
    ///   - committed: Bytes committed to the pages.
    ///   - used: Bytes in live blocks.
    static func fragmentation(committed: Int, used: Int) -> Double? {
        guard committed > 0 && used > 0 else { return nil }
        return max(0, 1 - Double(used) / Double(committed))
    }

    /// The lines of the table, aligned: the first column left, the others right.
    var lines: [String] {
        let all = [Self.header] + rows
        var widths = Self.header.map(\.count)
        for row in all {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        return all.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                line += column == 0 ? cell + padding : "  " + padding + cell
            }
            return line
        }
    }

    /// One row of shard figures.
    private static func row(_ name: String, _ counters: AllocationCounters, committed: Int, used: Int) -> [String] {
        [
            name, DemoFormat.bytes(counters.liveBytes), DemoFormat.grouped(counters.liveAllocations),
            DemoFormat.grouped(counters.totalAllocations), DemoFormat.grouped(counters.totalDeallocations),
            DemoFormat.grouped(counters.remoteDeallocations), DemoFormat.grouped(counters.foreignAllocations),
            DemoFormat.bytes(committed), DemoFormat.bytes(used),
            fragmentation(committed: committed, used: used).map { DemoFormat.fixed($0 * 100, places: 1) + "%" } ?? "-",
        ]
    }
}
