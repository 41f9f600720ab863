import ShardedHeap

/// Figures summed over all shards of a group, plus the group's off-shard (fallback) allocations.
///
/// The shard sums (``counters`` and the area figures) cover the shard heaps only; ``fallback``
/// holds what was served off every shard thread. ``heapLiveBytes`` and ``heapLiveAllocations``
/// add the two. The fields of ``counters`` read as this value's own (`totals.liveBytes`).
///
/// JSON keys (stable): `shard_count`, the keys of `AllocationCounters`, `committed_bytes`,
/// `used_bytes`, `fragmentation`, `oldest_area_age_seconds` (left out when no shard was ever
/// measured), `fallback`.
@dynamicMemberLookup
public struct StatsTotals: Sendable, Hashable, Codable {
    /// The number of shards summed.
    public var shardCount: Int
    /// The counters of all shards, summed.
    public var counters: AllocationCounters
    /// Bytes committed to all shard heaps' pages, as last measured.
    public var committedBytes: Int
    /// Bytes in allocated blocks of all shard heaps, as last measured.
    public var usedBytes: Int
    /// `1 - usedBytes / committedBytes` over all shards; 0 when nothing is committed.
    public var fragmentation: Double
    /// The age of the oldest shard area measurement, in seconds; nil if no shard was ever
    /// measured. Shards never measured do not count.
    public var oldestAreaAgeSeconds: Double?
    /// Allocations the group served off every shard thread.
    public var fallback: FallbackStats

    /// Sums `shards` and attaches `fallback`.
    ///
    /// Any thread may call this.
    public init(shards: [ShardStats], fallback: FallbackStats) {
        var counters = AllocationCounters()
        var committed = 0
        var used = 0
        var oldest: Double? = nil
        for shard in shards {
            counters = counters + shard.counters
            committed &+= shard.committedBytes
            used &+= shard.usedBytes
            if let age = shard.areaAgeSeconds { oldest = max(oldest ?? age, age) }
        }
        self.shardCount = shards.count
        self.counters = counters
        self.committedBytes = committed
        self.usedBytes = used
        self.fragmentation = committed > 0 ? max(0, 1 - Double(used) / Double(committed)) : 0
        self.oldestAreaAgeSeconds = oldest
        self.fallback = fallback
    }

    /// A counter of ``counters``, read as if it were this value's own.
    public subscript<Value>(dynamicMember keyPath: KeyPath<AllocationCounters, Value>) -> Value {
        counters[keyPath: keyPath]
    }

    /// Usable bytes live anywhere in the group: on its shards and in its fallback bucket.
    public var heapLiveBytes: Int { counters.liveBytes &+ fallback.counters.liveBytes }

    /// Allocations live anywhere in the group: on its shards and in its fallback bucket.
    public var heapLiveAllocations: Int { counters.liveAllocations &+ fallback.counters.liveAllocations }

    enum CodingKeys: String, CodingKey {
        case shardCount = "shard_count"
        case committedBytes = "committed_bytes"
        case usedBytes = "used_bytes"
        case fragmentation
        case oldestAreaAgeSeconds = "oldest_area_age_seconds"
        case fallback
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        shardCount = try container.decode(Int.self, forKey: .shardCount)
        counters = try AllocationCounters(from: decoder)
        committedBytes = try container.decode(Int.self, forKey: .committedBytes)
        usedBytes = try container.decode(Int.self, forKey: .usedBytes)
        fragmentation = try container.decode(Double.self, forKey: .fragmentation)
        oldestAreaAgeSeconds = try container.decodeIfPresent(Double.self, forKey: .oldestAreaAgeSeconds)
        fallback = try container.decode(FallbackStats.self, forKey: .fallback)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shardCount, forKey: .shardCount)
        // The counters' keys sit beside this value's own, in the same object.
        try counters.encode(to: encoder)
        try container.encode(committedBytes, forKey: .committedBytes)
        try container.encode(usedBytes, forKey: .usedBytes)
        try container.encode(fragmentation, forKey: .fragmentation)
        try container.encodeIfPresent(oldestAreaAgeSeconds, forKey: .oldestAreaAgeSeconds)
        try container.encode(fallback, forKey: .fallback)
    }
}
