/// Figures summed over all shards of a heap, plus the heap's off-shard (fallback) allocations.
///
/// The shard sums (``liveBytes`` through ``usedBytes``) cover the shard heaps only; ``fallback``
/// holds what was served off every shard thread. ``heapLiveBytes`` and ``heapLiveAllocations``
/// add the two.
///
/// JSON keys (stable): `shard_count`, `live_bytes`, `live_allocations`, `total_allocations`,
/// `total_deallocations`, `allocated_bytes`, `freed_bytes`, `remote_deallocations`,
/// `foreign_allocations`, `committed_bytes`, `used_bytes`, `fragmentation`,
/// `oldest_area_age_seconds` (left out when no shard was ever measured), `fallback`.
public struct StatsTotals: Sendable, Hashable, Codable {
    /// The number of shards summed.
    public var shardCount: Int
    /// Usable bytes live on all shards.
    public var liveBytes: Int
    /// Allocations live on all shards.
    public var liveAllocations: Int
    /// Allocations served by all shards.
    public var totalAllocations: Int
    /// Frees of shard allocations.
    public var totalDeallocations: Int
    /// Usable bytes of all shard allocations.
    public var allocatedBytes: Int
    /// Usable bytes of all frees of shard allocations.
    public var freedBytes: Int
    /// Frees of shard allocations that ran off the owning shard's thread.
    public var remoteDeallocations: Int
    /// Allocations requested through a shard allocator off its thread (served by the fallback).
    public var foreignAllocations: Int
    /// Bytes committed to all shard heaps' pages, as last measured.
    public var committedBytes: Int
    /// Bytes in allocated blocks of all shard heaps, as last measured.
    public var usedBytes: Int
    /// `1 - usedBytes / committedBytes` over all shards; 0 when nothing is committed.
    public var fragmentation: Double
    /// The age of the oldest shard area measurement, in seconds; nil if no shard was ever
    /// measured. Shards never measured do not count.
    public var oldestAreaAgeSeconds: Double?
    /// Allocations the heap served off every shard thread.
    public var fallback: FallbackStats

    /// Sums `shards` and attaches `fallback`.
    ///
    /// Any thread may call this.
    public init(shards: [ShardStats], fallback: FallbackStats) {
        var totals = (live: 0, liveCount: 0, allocs: 0, frees: 0, allocated: 0, freed: 0, remote: 0, foreign: 0)
        var committed = 0
        var used = 0
        var oldest: Double? = nil
        for shard in shards {
            totals.live &+= shard.liveBytes
            totals.liveCount &+= shard.liveAllocations
            totals.allocs &+= shard.totalAllocations
            totals.frees &+= shard.totalDeallocations
            totals.allocated &+= shard.allocatedBytes
            totals.freed &+= shard.freedBytes
            totals.remote &+= shard.remoteDeallocations
            totals.foreign &+= shard.foreignAllocations
            committed &+= shard.committedBytes
            used &+= shard.usedBytes
            if let age = shard.areaAgeSeconds { oldest = max(oldest ?? age, age) }
        }
        self.shardCount = shards.count
        self.liveBytes = totals.live
        self.liveAllocations = totals.liveCount
        self.totalAllocations = totals.allocs
        self.totalDeallocations = totals.frees
        self.allocatedBytes = totals.allocated
        self.freedBytes = totals.freed
        self.remoteDeallocations = totals.remote
        self.foreignAllocations = totals.foreign
        self.committedBytes = committed
        self.usedBytes = used
        self.fragmentation = committed > 0 ? max(0, 1 - Double(used) / Double(committed)) : 0
        self.oldestAreaAgeSeconds = oldest
        self.fallback = fallback
    }

    /// Usable bytes live anywhere in the heap: on its shards and in its fallback bucket.
    public var heapLiveBytes: Int { liveBytes &+ fallback.liveBytes }

    /// Allocations live anywhere in the heap: on its shards and in its fallback bucket.
    public var heapLiveAllocations: Int { liveAllocations &+ fallback.liveAllocations }

    enum CodingKeys: String, CodingKey {
        case shardCount = "shard_count"
        case liveBytes = "live_bytes"
        case liveAllocations = "live_allocations"
        case totalAllocations = "total_allocations"
        case totalDeallocations = "total_deallocations"
        case allocatedBytes = "allocated_bytes"
        case freedBytes = "freed_bytes"
        case remoteDeallocations = "remote_deallocations"
        case foreignAllocations = "foreign_allocations"
        case committedBytes = "committed_bytes"
        case usedBytes = "used_bytes"
        case fragmentation
        case oldestAreaAgeSeconds = "oldest_area_age_seconds"
        case fallback
    }
}
