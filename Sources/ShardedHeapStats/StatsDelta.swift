/// The difference between two snapshots of the same heap, for rates.
///
/// ```swift
/// let earlier = Stats.snapshot()
/// try await Task.sleep(for: .seconds(10))
/// let delta = Stats.snapshot().delta(since: earlier)
/// print(delta.allocationsPerSecond, delta.allocatedBytesPerSecond)
/// ```
public struct StatsDelta: Sendable, Hashable {
    /// Seconds between the two snapshots.
    public var intervalSeconds: Double
    /// One entry per shard, by index.
    public var shards: [AllocationDelta]
    /// All shards together.
    public var shardTotals: AllocationDelta
    /// The heap's fallback bucket.
    public var fallback: AllocationDelta
    /// The change in resident bytes (`/proc/self/statm`).
    public var residentBytesChange: Int
    /// The change in mimalloc's committed bytes.
    public var mimallocCommittedBytesChange: Int
    /// Page faults in the interval.
    public var pageFaults: Int
    /// User CPU seconds the process used in the interval.
    public var userCPUSeconds: Double
    /// System CPU seconds the process used in the interval.
    public var systemCPUSeconds: Double

    /// Creates a delta from its parts. Normally you get one from ``StatsSnapshot/delta(since:)``.
    public init(
        intervalSeconds: Double,
        shards: [AllocationDelta],
        shardTotals: AllocationDelta,
        fallback: AllocationDelta,
        residentBytesChange: Int,
        mimallocCommittedBytesChange: Int,
        pageFaults: Int,
        userCPUSeconds: Double,
        systemCPUSeconds: Double
    ) {
        self.intervalSeconds = intervalSeconds
        self.shards = shards
        self.shardTotals = shardTotals
        self.fallback = fallback
        self.residentBytesChange = residentBytesChange
        self.mimallocCommittedBytesChange = mimallocCommittedBytesChange
        self.pageFaults = pageFaults
        self.userCPUSeconds = userCPUSeconds
        self.systemCPUSeconds = systemCPUSeconds
    }

    /// `count` per second of the interval; 0 when the interval is empty.
    public func perSecond(_ count: Int) -> Double {
        intervalSeconds > 0 ? Double(count) / intervalSeconds : 0
    }

    /// Allocations per second, on shards and off them.
    public var allocationsPerSecond: Double {
        perSecond(shardTotals.allocations &+ fallback.allocations)
    }

    /// Frees per second, on shards and off them.
    public var deallocationsPerSecond: Double {
        perSecond(shardTotals.deallocations &+ fallback.deallocations)
    }

    /// Usable bytes allocated per second, on shards and off them.
    public var allocatedBytesPerSecond: Double {
        perSecond(shardTotals.allocatedBytes &+ fallback.allocatedBytes)
    }

    /// Usable bytes freed per second, on shards and off them.
    public var freedBytesPerSecond: Double {
        perSecond(shardTotals.freedBytes &+ fallback.freedBytes)
    }
}
