import ShardedHeap
import ShardedHeapStats

/// A short phase that times allocation alone: make and free `UniqueBuffer(capacity:)` blocks of
/// the workload's body sizes, with no fill and no check, on every shard of a group of its own
/// (so that the shared heap's table shows the workload only).
enum AllocationPhase {
    /// Warm-up pairs per shard before the clock starts.
    static let warmUpPairs = 10_000

    /// What the phase measured.
    struct Result: Sendable {
        /// Timed make+free pairs, over all shards.
        var pairs = 0
        /// Pairs made in all, warm-up included: the allocations the group must have counted.
        var pairsMade = 0
        /// Shards that ran pairs in parallel.
        var shards = 0
        /// Wall-clock seconds from the start of the first shard's timed loop to the end of the last.
        var wallSeconds = 0.0
        /// Seconds inside the timed loops, summed over the shards.
        var loopSeconds = 0.0
        /// Allocations the group counted.
        var countedAllocations = 0
        /// Allocations the group still held when the phase ended.
        var liveAllocations = 0

        /// Timed pairs per wall-clock second, all shards together.
        var pairsPerSecond: Double { wallSeconds > 0 ? Double(pairs) / wallSeconds : 0 }
        /// Nanoseconds per pair on one shard thread (loop time over pairs).
        var nanosecondsPerPair: Double { pairs > 0 ? loopSeconds * 1e9 / Double(pairs) : 0 }
    }

    /// Runs `pairs` timed make+free pairs spread over `shardCount` shards of a new group, then
    /// reads its counters and shuts it down.
    ///
    /// - Parameters:
    ///   - pairs: Timed pairs in all.
    ///   - shardCount: Shards of the new group, each running its share at the same time.
    /// - Returns: The timings and the group's counts.
    static func run(pairs: Int, shardCount: Int) async -> Result {
        let group = ShardGroup(shardCount: shardCount)
        // Sizes drawn up front, so that the timed loop does nothing but allocate and free.
        let sizes = (0..<4096).map { RequestInput(number: $0).bodySize }
        let perShard = (0..<shardCount).map { pairs / shardCount + ($0 < pairs % shardCount ? 1 : 0) }
        let spans = await withTaskGroup(of: TimedSpan.self) { tasks in
            for shard in 0..<shardCount {
                let count = perShard[shard]
                tasks.addTask {
                    await withShardedAllocation(on: group, shard: shard) { alloc in
                        _ = loop(alloc: alloc, sizes: sizes, count: warmUpPairs)
                        let start = ContinuousClock.now
                        let sink = loop(alloc: alloc, sizes: sizes, count: count)
                        let end = ContinuousClock.now
                        // Using the sink keeps the loop's work observable.
                        return TimedSpan(start: start, end: sink == -1 ? start : end)
                    }
                }
            }
            var spans: [TimedSpan] = []
            for await span in tasks { spans.append(span) }
            return spans
        }
        let loopSeconds = spans.reduce(0) { $0 + seconds($1.end - $1.start) }
        let wallSeconds = seconds(spans.map(\.end).max()! - spans.map(\.start).min()!)
        let totals = Stats.snapshot(of: group).totals
        await group.shutdown()
        return Result(
            pairs: pairs,
            pairsMade: pairs + warmUpPairs * shardCount,
            shards: shardCount,
            wallSeconds: wallSeconds,
            loopSeconds: loopSeconds,
            countedAllocations: totals.totalAllocations + totals.fallback.totalAllocations,
            liveAllocations: totals.heapLiveAllocations
        )
    }

    /// When one shard's timed loop started and ended.
    private struct TimedSpan: Sendable {
        /// The instant before the first timed pair.
        var start: ContinuousClock.Instant
        /// The instant after the last timed pair.
        var end: ContinuousClock.Instant
    }

    /// `duration` in seconds.
    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Makes and frees `count` buffers of the sizes in `sizes`, in turn.
    ///
    /// - Returns: The sum of the blocks' capacities, so that the work has a result.
    private static func loop(alloc: ShardAllocator, sizes: [Int], count: Int) -> Int {
        var sink = 0
        for index in 0..<count {
            let buffer = alloc.makeUniqueBuffer(capacity: sizes[index & 4095])
            sink &+= buffer.capacity
        }
        return sink
    }
}
