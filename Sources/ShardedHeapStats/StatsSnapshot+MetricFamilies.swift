extension StatsSnapshot {
    /// The snapshot as metric families, in a fixed order. Names follow Prometheus conventions:
    /// `sharded_heap_` prefix, snake case, unit suffix, `_total` on counters.
    var metricFamilies: [MetricFamily] {
        func processWide(
            _ name: String,
            _ kind: MetricFamily.Kind,
            _ help: String,
            _ value: MetricFamily.Value
        )
            -> MetricFamily
        {
            MetricFamily(name: name, help: help, kind: kind, samples: [.init(shard: nil, value: value)])
        }
        func perShard(
            _ name: String,
            _ kind: MetricFamily.Kind,
            _ help: String,
            fallback: Int? = nil,
            _ value: (ShardStats) -> MetricFamily.Value?
        ) -> MetricFamily {
            var samples = shards.compactMap { shard in
                value(shard).map { MetricFamily.Sample(shard: String(shard.index), value: $0) }
            }
            if let fallback {
                samples.append(.init(shard: MetricFamily.fallbackShardLabel, value: .integer(fallback)))
            }
            return MetricFamily(name: name, help: help, kind: kind, samples: samples)
        }
        return [
            processWide(
                "sharded_heap_process_resident_bytes",
                .gauge,
                "Resident set size of the process (/proc/self/statm).",
                .integer(process.residentBytes)
            ),
            processWide(
                "sharded_heap_process_resident_peak_bytes",
                .gauge,
                "Peak resident set size of the process (getrusage ru_maxrss).",
                .integer(process.peakResidentBytes)
            ),
            processWide(
                "sharded_heap_process_mimalloc_committed_bytes",
                .gauge,
                "Bytes mimalloc has committed over all its heaps (mi_process_info).",
                .integer(process.mimallocCommittedBytes)
            ),
            processWide(
                "sharded_heap_process_mimalloc_committed_peak_bytes",
                .gauge,
                "Most bytes mimalloc has had committed at once (mi_process_info).",
                .integer(process.mimallocPeakCommittedBytes)
            ),
            processWide(
                "sharded_heap_process_page_faults_total",
                .counter,
                "Major page faults of the process.",
                .integer(process.pageFaults)
            ),
            processWide(
                "sharded_heap_process_cpu_user_seconds_total",
                .counter,
                "User CPU time of the process in seconds.",
                .real(Double(process.userCPUMilliseconds) / 1000)
            ),
            processWide(
                "sharded_heap_process_cpu_system_seconds_total",
                .counter,
                "System CPU time of the process in seconds.",
                .real(Double(process.systemCPUMilliseconds) / 1000)
            ),
            processWide(
                "sharded_heap_process_uptime_seconds",
                .gauge,
                "Seconds since the process started.",
                .real(Double(process.elapsedMilliseconds) / 1000)
            ),
            perShard(
                "sharded_heap_live_bytes",
                .gauge,
                "Usable bytes allocated and not yet freed.",
                fallback: fallback.liveBytes
            ) { .integer($0.liveBytes) },
            perShard(
                "sharded_heap_live_allocations",
                .gauge,
                "Allocations not yet freed.",
                fallback: fallback.liveAllocations
            ) { .integer($0.liveAllocations) },
            perShard(
                "sharded_heap_allocations_total",
                .counter,
                "Allocations since the heap was created.",
                fallback: fallback.totalAllocations
            ) { .integer($0.totalAllocations) },
            perShard(
                "sharded_heap_deallocations_total",
                .counter,
                "Frees since the heap was created, from any thread.",
                fallback: fallback.totalDeallocations
            ) { .integer($0.totalDeallocations) },
            perShard(
                "sharded_heap_allocated_bytes_total",
                .counter,
                "Usable bytes allocated since the heap was created.",
                fallback: fallback.allocatedBytes
            ) { .integer($0.allocatedBytes) },
            perShard(
                "sharded_heap_freed_bytes_total",
                .counter,
                "Usable bytes freed since the heap was created.",
                fallback: fallback.freedBytes
            ) { .integer($0.freedBytes) },
            perShard(
                "sharded_heap_remote_deallocations_total",
                .counter,
                "Frees of a shard's blocks made on another thread."
            ) { .integer($0.remoteDeallocations) },
            perShard(
                "sharded_heap_foreign_allocations_total",
                .counter,
                "Allocations requested through a shard's allocator off its thread (served by the fallback)."
            ) { .integer($0.foreignAllocations) },
            perShard(
                "sharded_heap_committed_bytes",
                .gauge,
                "Bytes committed to the shard heap's pages, as last measured."
            ) { .integer($0.committedBytes) },
            perShard(
                "sharded_heap_used_bytes",
                .gauge,
                "Bytes in allocated blocks of the shard heap, as last measured."
            ) { .integer($0.usedBytes) },
            perShard(
                "sharded_heap_fragmentation_ratio",
                .gauge,
                "1 - used / committed bytes of the shard heap, as last measured (0 when nothing is committed)."
            ) { .real($0.fragmentation) },
            perShard(
                "sharded_heap_area_age_seconds",
                .gauge,
                "Age of the shard's area figures (committed, used, fragmentation) in seconds."
            ) { $0.areaAgeSeconds.map(MetricFamily.Value.real) },
        ]
    }
}
