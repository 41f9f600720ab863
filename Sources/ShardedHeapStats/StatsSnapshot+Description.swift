extension StatsSnapshot: CustomStringConvertible {
    /// A human-readable report: two lines of process figures, then an aligned table with one row
    /// per shard, an `all` row (sums over the shards) and a `fallback` row (off-shard
    /// allocations). Byte figures are usable sizes in binary units; `frag` is
    /// ``ShardStats/fragmentation``, or `-` where no block is in use (nothing to fragment: an
    /// idle shard's retained pages are not an alarm); `areas age` is how old the area figures
    /// are (`never` before the first measurement, `-` where there are none).
    ///
    /// Any thread may call this.
    public var description: String {
        var lines: [String] = []
        lines.append(
            "ShardGroup \(groupID): \(shards.count) shard\(shards.count == 1 ? "" : "s")"
                + (isShutDown ? " (shut down)" : "")
        )
        lines.append(
            "process: resident \(StatsFormat.bytes(process.residentBytes))"
                + " (peak \(StatsFormat.bytes(process.peakResidentBytes)))"
                + ", mimalloc committed \(StatsFormat.bytes(process.mimallocCommittedBytes))"
                + " (peak \(StatsFormat.bytes(process.mimallocPeakCommittedBytes)))"
        )
        lines.append(
            "         page faults \(process.pageFaults)"
                + ", cpu user \(StatsFormat.milliseconds(process.userCPUMilliseconds))"
                + ", system \(StatsFormat.milliseconds(process.systemCPUMilliseconds))"
                + ", elapsed \(StatsFormat.milliseconds(process.elapsedMilliseconds))"
        )
        var table = TextTable(header: [
            "shard", "live bytes", "live allocs", "allocs", "frees", "remote frees", "foreign",
            "committed", "used", "frag", "areas age",
        ])
        for shard in shards {
            table.append([
                String(shard.index),
                StatsFormat.bytes(shard.liveBytes),
                String(shard.liveAllocations),
                String(shard.totalAllocations),
                String(shard.totalDeallocations),
                String(shard.remoteDeallocations),
                String(shard.foreignAllocations),
                StatsFormat.bytes(shard.committedBytes),
                StatsFormat.bytes(shard.usedBytes),
                shard.usedBytes > 0 ? StatsFormat.percent(shard.fragmentation) : "-",
                shard.areaAgeSeconds.map(StatsFormat.seconds) ?? "never",
            ])
        }
        table.append([
            "all",
            StatsFormat.bytes(totals.liveBytes),
            String(totals.liveAllocations),
            String(totals.totalAllocations),
            String(totals.totalDeallocations),
            String(totals.remoteDeallocations),
            String(totals.foreignAllocations),
            StatsFormat.bytes(totals.committedBytes),
            StatsFormat.bytes(totals.usedBytes),
            totals.usedBytes > 0 ? StatsFormat.percent(totals.fragmentation) : "-",
            totals.oldestAreaAgeSeconds.map(StatsFormat.seconds) ?? "never",
        ])
        table.append([
            "fallback",
            StatsFormat.bytes(fallback.liveBytes),
            String(fallback.liveAllocations),
            String(fallback.totalAllocations),
            String(fallback.totalDeallocations),
            "-", "-", "-", "-", "-", "-",
        ])
        lines += table.lines
        return lines.joined(separator: "\n")
    }
}
