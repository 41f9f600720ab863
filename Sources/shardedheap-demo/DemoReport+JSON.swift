import ShardedHeap
import ShardedHeapStats

extension DemoReport {
    /// The report as one JSON object: the verdict and its checks first, then the figures the
    /// text shows. Byte counts are in bytes, times in seconds; `fragmentation` is null where the
    /// table shows `-`.
    var json: JSONValue {
        let tally = workload.tally
        return .object([
            ("verdict", .string(passed ? "PASS" : "FAIL")),
            ("verdict_line", .string(verdict)),
            ("passed", .bool(passed)),
            (
                "checks",
                .array(
                    checks.map { check in
                        .object([
                            ("name", .string(check.name)), ("passed", .bool(check.passed)),
                            ("found", .string(check.found)),
                        ])
                    }
                )
            ),
            ("requests", .int(options.requests)),
            ("requests_completed", .int(workload.completed)),
            ("concurrency", .int(options.concurrency)),
            ("shard_count", .int(after.shards.count)),
            ("buffers_made", .int(tally.buffersMade)),
            ("buffers_counted", .int(buffersCounted)),
            ("bytes_written", .int(tally.bytesWritten)),
            ("bytes_checked", .int(tally.bytesChecked)),
            ("mismatched_bytes", .int(tally.mismatchedBytes)),
            ("failed_buffers", .int(tally.failedBuffers)),
            ("responses_handed_on", .int(workload.handedOn)),
            ("responses_received", .int(workload.sender.received)),
            ("remote_frees_made", .int(workload.remoteFreesMade)),
            ("remote_frees_counted", .int(remoteFreesCounted)),
            ("live_allocations", .int(liveAllocations)),
            ("live_bytes", .int(liveBytes)),
            ("peak_resident_bytes", .int(peakResidentBytes)),
            ("peak_resident_source", .string(peakSource.rawValue)),
            ("resident_bytes", .int(residentBytes)),
            (
                "workload",
                .object([
                    ("measures", .string("requests processed per second, including fill, transform and check")),
                    ("seconds", .double(workload.seconds)),
                    ("requests_per_second", .double(requestsPerSecond)),
                ])
            ),
            (
                "allocation",
                .object([
                    (
                        "measures",
                        .string("UniqueBuffer(capacity:) make+free pairs per second, no fill, all shards at once")
                    ),
                    ("pairs", .int(allocation.pairs)),
                    ("shards", .int(allocation.shards)),
                    ("wall_seconds", .double(allocation.wallSeconds)),
                    ("pairs_per_second", .double(allocation.pairsPerSecond)),
                    ("ns_per_pair_per_thread", .double(allocation.nanosecondsPerPair)),
                    ("pairs_made", .int(allocation.pairsMade)),
                    ("counted_allocations", .int(allocation.countedAllocations)),
                    ("live_allocations", .int(allocation.liveAllocations)),
                ])
            ),
            (
                "shards",
                .array(
                    after.shards.map { shard in
                        Self.row(
                            shard.counters,
                            index: .int(shard.index),
                            committed: shard.committedBytes,
                            used: shard.usedBytes
                        )
                    }
                )
            ),
            (
                "all",
                Self.row(
                    after.totals.counters,
                    index: .string("all"),
                    committed: after.totals.committedBytes,
                    used: after.totals.usedBytes
                )
            ),
            (
                "fallback",
                .object([
                    ("live_bytes", .int(after.fallback.counters.liveBytes)),
                    ("live_allocations", .int(after.fallback.counters.liveAllocations)),
                    ("total_allocations", .int(after.fallback.counters.totalAllocations)),
                    ("total_deallocations", .int(after.fallback.counters.totalDeallocations)),
                ])
            ),
        ])
    }

    /// One row of the shard table as JSON.
    private static func row(_ counters: AllocationCounters, index: JSONValue, committed: Int, used: Int) -> JSONValue {
        .object([
            ("index", index),
            ("live_bytes", .int(counters.liveBytes)),
            ("live_allocations", .int(counters.liveAllocations)),
            ("total_allocations", .int(counters.totalAllocations)),
            ("total_deallocations", .int(counters.totalDeallocations)),
            ("remote_deallocations", .int(counters.remoteDeallocations)),
            ("foreign_allocations", .int(counters.foreignAllocations)),
            ("committed_bytes", .int(committed)),
            ("used_bytes", .int(used)),
            ("fragmentation", ShardTable.fragmentation(committed: committed, used: used).map { .double($0) } ?? .null),
        ])
    }
}
