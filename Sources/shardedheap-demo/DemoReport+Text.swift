extension DemoReport {
    /// The report as a person reads it: the shard table, what its columns mean, the checks, the
    /// memory and timing figures, and the verdict last.
    var textLines: [String] {
        var lines: [String] = []
        lines.append("")
        lines.append("ShardGroup.shared at the end (areas measured after a collect):")
        lines += ShardTable(snapshot: after).lines
        lines += [
            "  allocs, frees  blocks made and freed in each shard's heap; a request makes two (body, response)",
            "  remote frees   frees on a thread other than the shard's own: the 1 response in 4 handed off the shard",
            "  foreign        allocations asked of a shard while off its thread (served by the fallback row)",
            "  fallback       blocks from the calling thread's default heap, when not on any shard thread",
            "  committed/used memory in the shard's pages, and the part in live blocks, at the last measurement",
            "  frag           1 - used/committed, committed memory holding no live block; - when nothing is live",
            "",
        ]
        let tally = workload.tally
        lines.append(
            "Checks:     \(DemoFormat.grouped(tally.bytesChecked)) of \(DemoFormat.grouped(tally.bytesWritten)) bytes "
                + "checked against bytes recomputed from each request number, "
                + "\(DemoFormat.grouped(tally.mismatchedBytes)) differ; "
                + "\(DemoFormat.grouped(workload.remoteFreesMade)) responses freed off their shard, "
                + "\(DemoFormat.grouped(remoteFreesCounted)) remote frees counted"
        )
        lines.append(
            "Memory:     peak RSS \(DemoFormat.bytes(peakResidentBytes)) (\(peakSource.rawValue)); "
                + "resident at the end \(DemoFormat.bytes(residentBytes))"
        )
        lines.append(
            "Requests:   \(DemoFormat.grouped(workload.completed)) in \(DemoFormat.fixed(workload.seconds, places: 2)) s, "
                + "\(DemoFormat.rate(requestsPerSecond)) requests processed/s including fill, transform and check "
                + "(mostly byte loops, not allocation)"
        )
        lines.append(
            "Allocation: \(DemoFormat.rate(allocation.pairsPerSecond)) make+free pairs/s "
                + "(\(DemoFormat.grouped(allocation.pairs)) UniqueBuffer(capacity:) of 512 to 16,895 B, no fill, "
                + "on \(allocation.shards) shards at once in \(DemoFormat.fixed(allocation.wallSeconds * 1000, places: 1)) ms); "
                + "\(DemoFormat.fixed(allocation.nanosecondsPerPair, places: 1)) ns per pair on one shard thread"
        )
        for check in checks where !check.passed { lines.append("failed:     \(check.name): \(check.found)") }
        lines.append(verdict)
        return lines
    }
}
