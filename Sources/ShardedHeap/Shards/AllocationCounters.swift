/// Allocation counters of one shard, of a group's fallback bucket, or summed over shards, read
/// at one moment.
///
/// Counts come from the package's own bookkeeping (this mimalloc build keeps no statistics).
/// Byte figures are usable sizes (`mi_usable_size`), which is what a block really occupies in
/// its size class, so they can be larger than the sizes requested.
///
/// Each field is read with a relaxed load. While other threads allocate or free, a reading may
/// mix slightly different moments; once the work has finished, it is exact.
///
/// JSON keys (stable): `live_bytes`, `live_allocations`, `total_allocations`,
/// `total_deallocations`, `allocated_bytes`, `freed_bytes`, `remote_deallocations`,
/// `foreign_allocations`. The live figures are written for readers and ignored when decoding.
public struct AllocationCounters: Sendable, Hashable, Codable {
    /// Allocations counted here since the group was created.
    public var totalAllocations: Int
    /// Frees of those allocations, from any thread.
    public var totalDeallocations: Int
    /// Usable bytes of all allocations counted here.
    public var allocatedBytes: Int
    /// Usable bytes of all frees counted here.
    public var freedBytes: Int
    /// Frees that ran on a thread other than the owner (a subset of `totalDeallocations`).
    public var remoteDeallocations: Int
    /// Allocations requested through a shard's allocator while off the shard's thread. They were
    /// served by the calling thread's default heap and are counted in the fallback bucket; the
    /// shard counts them here as events.
    public var foreignAllocations: Int

    /// Creates a reading. Normally you get one from ``ShardGroup/counters(ofShard:)``.
    public init(
        totalAllocations: Int = 0,
        totalDeallocations: Int = 0,
        allocatedBytes: Int = 0,
        freedBytes: Int = 0,
        remoteDeallocations: Int = 0,
        foreignAllocations: Int = 0
    ) {
        self.totalAllocations = totalAllocations
        self.totalDeallocations = totalDeallocations
        self.allocatedBytes = allocatedBytes
        self.freedBytes = freedBytes
        self.remoteDeallocations = remoteDeallocations
        self.foreignAllocations = foreignAllocations
    }

    /// Allocations not yet freed.
    public var liveAllocations: Int { totalAllocations &- totalDeallocations }

    /// Usable bytes not yet freed.
    public var liveBytes: Int { allocatedBytes &- freedBytes }

    /// Field by field sums (wrapping).
    public static func + (left: AllocationCounters, right: AllocationCounters) -> AllocationCounters {
        AllocationCounters(
            totalAllocations: left.totalAllocations &+ right.totalAllocations,
            totalDeallocations: left.totalDeallocations &+ right.totalDeallocations,
            allocatedBytes: left.allocatedBytes &+ right.allocatedBytes,
            freedBytes: left.freedBytes &+ right.freedBytes,
            remoteDeallocations: left.remoteDeallocations &+ right.remoteDeallocations,
            foreignAllocations: left.foreignAllocations &+ right.foreignAllocations
        )
    }

    /// Field by field differences (wrapping): what happened between `earlier` and `later`.
    public static func - (later: AllocationCounters, earlier: AllocationCounters) -> AllocationCounters {
        AllocationCounters(
            totalAllocations: later.totalAllocations &- earlier.totalAllocations,
            totalDeallocations: later.totalDeallocations &- earlier.totalDeallocations,
            allocatedBytes: later.allocatedBytes &- earlier.allocatedBytes,
            freedBytes: later.freedBytes &- earlier.freedBytes,
            remoteDeallocations: later.remoteDeallocations &- earlier.remoteDeallocations,
            foreignAllocations: later.foreignAllocations &- earlier.foreignAllocations
        )
    }

    enum CodingKeys: String, CodingKey {
        case liveBytes = "live_bytes"
        case liveAllocations = "live_allocations"
        case totalAllocations = "total_allocations"
        case totalDeallocations = "total_deallocations"
        case allocatedBytes = "allocated_bytes"
        case freedBytes = "freed_bytes"
        case remoteDeallocations = "remote_deallocations"
        case foreignAllocations = "foreign_allocations"
    }

    /// Reads the counters from `decoder`'s keyed container; the thread figures (remote frees,
    /// foreign allocations) are 0 when absent, as in a fallback bucket's JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        totalAllocations = try container.decode(Int.self, forKey: .totalAllocations)
        totalDeallocations = try container.decode(Int.self, forKey: .totalDeallocations)
        allocatedBytes = try container.decode(Int.self, forKey: .allocatedBytes)
        freedBytes = try container.decode(Int.self, forKey: .freedBytes)
        remoteDeallocations = try container.decodeIfPresent(Int.self, forKey: .remoteDeallocations) ?? 0
        foreignAllocations = try container.decodeIfPresent(Int.self, forKey: .foreignAllocations) ?? 0
    }

    public func encode(to encoder: any Encoder) throws {
        try encode(to: encoder, includingThreadFigures: true)
    }

    /// Writes the counters into `encoder`'s keyed container, which a containing value may share
    /// (its own keys sit beside these). Without thread figures, `remote_deallocations` and
    /// `foreign_allocations` are left out (a fallback bucket has neither).
    public func encode(to encoder: any Encoder, includingThreadFigures: Bool) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(liveBytes, forKey: .liveBytes)
        try container.encode(liveAllocations, forKey: .liveAllocations)
        try container.encode(totalAllocations, forKey: .totalAllocations)
        try container.encode(totalDeallocations, forKey: .totalDeallocations)
        try container.encode(allocatedBytes, forKey: .allocatedBytes)
        try container.encode(freedBytes, forKey: .freedBytes)
        if includingThreadFigures {
            try container.encode(remoteDeallocations, forKey: .remoteDeallocations)
            try container.encode(foreignAllocations, forKey: .foreignAllocations)
        }
    }
}
