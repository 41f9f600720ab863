import ShardedHeap

/// How allocation figures changed between two snapshots: of one shard, of all shards together,
/// or of a heap's fallback bucket. Part of ``StatsDelta``.
public struct AllocationDelta: Sendable, Hashable {
    /// Allocations made in the interval.
    public var allocations: Int
    /// Frees made in the interval.
    public var deallocations: Int
    /// Usable bytes allocated in the interval.
    public var allocatedBytes: Int
    /// Usable bytes freed in the interval.
    public var freedBytes: Int
    /// Frees from other threads in the interval (0 for the fallback bucket).
    public var remoteDeallocations: Int
    /// Foreign allocations in the interval (0 for the fallback bucket).
    public var foreignAllocations: Int

    /// Creates a delta from its parts. Normally you get one from ``StatsSnapshot/delta(since:)``.
    public init(
        allocations: Int,
        deallocations: Int,
        allocatedBytes: Int,
        freedBytes: Int,
        remoteDeallocations: Int,
        foreignAllocations: Int
    ) {
        self.allocations = allocations
        self.deallocations = deallocations
        self.allocatedBytes = allocatedBytes
        self.freedBytes = freedBytes
        self.remoteDeallocations = remoteDeallocations
        self.foreignAllocations = foreignAllocations
    }

    /// The delta that `change`, a difference of two counter readings, describes.
    init(_ change: AllocationCounters) {
        self.init(
            allocations: change.totalAllocations,
            deallocations: change.totalDeallocations,
            allocatedBytes: change.allocatedBytes,
            freedBytes: change.freedBytes,
            remoteDeallocations: change.remoteDeallocations,
            foreignAllocations: change.foreignAllocations
        )
    }

    /// The change in live bytes over the interval (negative when memory was released).
    public var liveBytesChange: Int { allocatedBytes &- freedBytes }

    /// The change in live allocations over the interval.
    public var liveAllocationsChange: Int { allocations &- deallocations }
}
