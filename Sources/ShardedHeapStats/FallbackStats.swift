import ShardedHeap

/// The allocations a heap served off every shard thread (its fallback bucket): the calling
/// thread's default mimalloc heap served them because no shard thread of the heap was running
/// the caller. For ``ShardGroup/shared`` this also counts `OwnedBuffer(byteCount:)` and
/// `UniqueBuffer(byteCount:)` made off every shard thread.
///
/// JSON keys (stable): `live_bytes`, `live_allocations`, `total_allocations`,
/// `total_deallocations`, `allocated_bytes`, `freed_bytes`.
public struct FallbackStats: Sendable, Hashable, Codable {
    /// Usable bytes allocated off-shard and not yet freed.
    public var liveBytes: Int
    /// Off-shard allocations not yet freed.
    public var liveAllocations: Int
    /// Off-shard allocations since the heap was created.
    public var totalAllocations: Int
    /// Frees of those allocations.
    public var totalDeallocations: Int
    /// Usable bytes of all off-shard allocations.
    public var allocatedBytes: Int
    /// Usable bytes of all frees of off-shard allocations.
    public var freedBytes: Int

    /// Takes the figures from a heap's fallback counters (`ShardGroup.fallbackCounters`).
    ///
    /// Any thread may call this.
    public init(counters: ShardCounters) {
        self.liveBytes = counters.liveBytes
        self.liveAllocations = counters.liveAllocations
        self.totalAllocations = counters.totalAllocations
        self.totalDeallocations = counters.totalDeallocations
        self.allocatedBytes = counters.allocatedBytes
        self.freedBytes = counters.freedBytes
    }

    enum CodingKeys: String, CodingKey {
        case liveBytes = "live_bytes"
        case liveAllocations = "live_allocations"
        case totalAllocations = "total_allocations"
        case totalDeallocations = "total_deallocations"
        case allocatedBytes = "allocated_bytes"
        case freedBytes = "freed_bytes"
    }
}
