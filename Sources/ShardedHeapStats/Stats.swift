import ShardedHeap

/// Entry point for heap statistics: one synchronous call that reads everything a monitoring
/// loop or a `/metrics` handler needs.
///
/// ```swift
/// let snapshot = Stats.snapshot()            // ShardGroup.shared
/// print(snapshot)                            // an aligned text table
/// let body = snapshot.prometheusText()       // Prometheus text exposition
/// ```
///
/// A snapshot never waits for a shard thread and takes no lock on the allocation path: it reads
/// the shards' counters with relaxed atomic loads, the area figures the shards last measured
/// (during idle maintenance, or when you call `ShardGroup.measureAreas(collect:)`), mimalloc's
/// process figures and `/proc/self/statm`.
public enum Stats {
    /// Reads the statistics of `group` now.
    ///
    /// While other threads allocate or free, each figure is exact for some moment close to the
    /// call, but figures may come from slightly different moments. Once the work has finished
    /// the counts are exact. Area figures (`committedBytes`, `usedBytes`, `fragmentation`) are
    /// as of their `areasMeasuredAtUptimeNanoseconds`; call `await heap.measureAreas()` first
    /// for fresh ones.
    ///
    /// - Parameter group: The heap to read; `ShardGroup.shared` by default.
    /// - Returns: A value you may keep, compare, encode or send anywhere.
    /// - Complexity: O(`group.shardCount`), plus one open/read/close of `/proc/self/statm`.
    ///
    /// Any thread may call this, including a shard's own thread; it never blocks on a shard.
    public static func snapshot(of group: ShardGroup = .shared) -> StatsSnapshot {
        let takenAt = ShardGroup.uptimeNanoseconds
        let process = ProcessStats.current()
        let shardCount = group.shardCount
        var shards: [ShardStats] = []
        shards.reserveCapacity(shardCount)
        for index in 0..<shardCount {
            shards.append(
                ShardStats(
                    index: index,
                    counters: group.counters(ofShard: index),
                    areas: group.areaFigures(ofShard: index),
                    takenAtUptimeNanoseconds: takenAt
                )
            )
        }
        return StatsSnapshot(
            groupID: group.id,
            isShutDown: group.isShutDown,
            takenAtUptimeNanoseconds: takenAt,
            process: process,
            shards: shards,
            fallback: FallbackStats(counters: group.fallbackCounters)
        )
    }
}
