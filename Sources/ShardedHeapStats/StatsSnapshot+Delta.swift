import ShardedHeap

extension StatsSnapshot {
    /// What changed since `earlier`, for rates.
    ///
    /// - Parameter earlier: A snapshot of the same shard group (same ``groupID`` and shard count), taken
    ///   no later than this one.
    /// - Returns: Counts over the interval and its length in seconds.
    /// - Precondition: `earlier` describes the same shard group, with the same number of shards.
    /// - Complexity: O(shard count).
    ///
    /// Any thread may call this.
    public func delta(since earlier: StatsSnapshot) -> StatsDelta {
        require(
            earlier.groupID == groupID && earlier.shards.count == shards.count,
            "StatsSnapshot.delta(since:): snapshots of different shard groups (\(earlier.groupID) and \(groupID))"
        )
        let nanoseconds =
            takenAtUptimeNanoseconds >= earlier.takenAtUptimeNanoseconds
            ? takenAtUptimeNanoseconds - earlier.takenAtUptimeNanoseconds : 0
        let shardDeltas = zip(shards, earlier.shards).map { now, then in AllocationDelta(now.counters - then.counters) }
        var fallbackChange = fallback.counters - earlier.fallback.counters
        // The fallback bucket reports no thread figures (see ``AllocationDelta``).
        fallbackChange.remoteDeallocations = 0
        fallbackChange.foreignAllocations = 0
        return StatsDelta(
            intervalSeconds: Double(nanoseconds) / 1_000_000_000,
            shards: shardDeltas,
            shardTotals: AllocationDelta(totals.counters - earlier.totals.counters),
            fallback: AllocationDelta(fallbackChange),
            residentBytesChange: process.residentBytes &- earlier.process.residentBytes,
            mimallocCommittedBytesChange: process.mimallocCommittedBytes &- earlier.process.mimallocCommittedBytes,
            pageFaults: process.pageFaults &- earlier.process.pageFaults,
            userCPUSeconds: Double(process.userCPUMilliseconds &- earlier.process.userCPUMilliseconds) / 1000,
            systemCPUSeconds: Double(process.systemCPUMilliseconds &- earlier.process.systemCPUMilliseconds) / 1000
        )
    }
}
