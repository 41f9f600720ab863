import ShardedHeap

/// The allocations a group served off every shard thread (its fallback bucket): the calling
/// thread's default mimalloc heap served them because no shard thread of the group was running
/// the caller. For `ShardGroup.shared` this also counts `OwnedBuffer` and `UniqueBuffer` made
/// off every shard thread.
///
/// The fields of ``counters`` read as this value's own (`fallback.liveBytes`).
///
/// JSON keys (stable): `live_bytes`, `live_allocations`, `total_allocations`,
/// `total_deallocations`, `allocated_bytes`, `freed_bytes`.
@dynamicMemberLookup
public struct FallbackStats: Sendable, Hashable, Codable {
    /// What the fallback bucket allocated and freed.
    public var counters: AllocationCounters

    /// Takes the figures from a group's fallback counters (`ShardGroup.fallbackCounters`).
    ///
    /// Any thread may call this.
    public init(counters: AllocationCounters) {
        self.counters = counters
    }

    /// A counter of ``counters``, read as if it were this value's own.
    public subscript<Value>(dynamicMember keyPath: KeyPath<AllocationCounters, Value>) -> Value {
        counters[keyPath: keyPath]
    }

    public init(from decoder: any Decoder) throws {
        counters = try AllocationCounters(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try counters.encode(to: encoder, includingThreadFigures: false)
    }
}
