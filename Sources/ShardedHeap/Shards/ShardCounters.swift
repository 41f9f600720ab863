/// Allocation counters of one shard, or of a heap's fallback bucket, read at one moment.
///
/// Counts come from the package's own bookkeeping (this mimalloc build keeps no statistics).
/// Byte figures are usable sizes (`mi_usable_size`), which is what a block really occupies in
/// its size class, so they can be larger than the sizes requested.
///
/// Each field is read with a relaxed load. While other threads allocate or free, a reading may
/// mix slightly different moments; once the work has finished, it is exact.
public struct ShardCounters: Sendable, Hashable, Codable {
    /// The shard index, or -1 for the fallback bucket (allocations made off every shard thread).
    public var index: Int
    /// Allocations counted here since the heap was created.
    public var totalAllocations: Int
    /// Frees of those allocations, from any thread.
    public var totalDeallocations: Int
    /// Usable bytes of all allocations counted here.
    public var allocatedBytes: Int
    /// Usable bytes of all frees counted here.
    public var freedBytes: Int
    /// Frees that ran on a thread other than the owner (a subset of `totalDeallocations`).
    public var remoteDeallocations: Int
    /// Allocations requested through this shard's allocator while off the owner thread. They
    /// were served by the calling thread's default heap and are counted in the fallback bucket.
    public var foreignAllocations: Int

    /// Creates a reading. Normally you get one from `ShardGroup.counters(ofShard:)`.
    public init(
        index: Int,
        totalAllocations: Int,
        totalDeallocations: Int,
        allocatedBytes: Int,
        freedBytes: Int,
        remoteDeallocations: Int,
        foreignAllocations: Int
    ) {
        self.index = index
        self.totalAllocations = totalAllocations
        self.totalDeallocations = totalDeallocations
        self.allocatedBytes = allocatedBytes
        self.freedBytes = freedBytes
        self.remoteDeallocations = remoteDeallocations
        self.foreignAllocations = foreignAllocations
    }

    /// Allocations not yet freed.
    public var liveAllocations: Int { totalAllocations - totalDeallocations }

    /// Usable bytes not yet freed.
    public var liveBytes: Int { allocatedBytes - freedBytes }
}
