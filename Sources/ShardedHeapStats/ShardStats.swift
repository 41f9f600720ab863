import ShardedHeap

/// The statistics of one shard at the moment of a snapshot.
///
/// Counts and byte figures come from the package's own bookkeeping (relaxed atomic counters;
/// this mimalloc build keeps none) and are in usable sizes (`mi_usable_size`, what
/// `OwnedBuffer.capacity` reports). Area figures come from walking the shard heap's pages
/// (`mi_heap_visit_blocks`) on the shard's own thread, which happens during idle maintenance and
/// in `ShardGroup.measureAreas(collect:)`; ``areaAgeSeconds`` tells how old they are.
///
/// JSON keys (stable): `index`, `live_bytes`, `live_allocations`, `total_allocations`,
/// `total_deallocations`, `allocated_bytes`, `freed_bytes`, `remote_deallocations`,
/// `foreign_allocations`, `committed_bytes`, `used_bytes`, `fragmentation`,
/// `areas_measured_at_uptime_ns` and `area_age_seconds` (both left out when never measured).
public struct ShardStats: Sendable, Hashable, Codable {
    /// The shard index, `0..<shardCount`.
    public var index: Int
    /// Usable bytes allocated on this shard and not yet freed.
    public var liveBytes: Int
    /// Allocations on this shard not yet freed.
    public var liveAllocations: Int
    /// Allocations served by this shard's heap since the heap was created.
    public var totalAllocations: Int
    /// Frees of those allocations, from any thread.
    public var totalDeallocations: Int
    /// Usable bytes of all allocations served by this shard.
    public var allocatedBytes: Int
    /// Usable bytes of all frees of this shard's allocations.
    public var freedBytes: Int
    /// Frees that ran on a thread other than the shard's own (part of ``totalDeallocations``).
    public var remoteDeallocations: Int
    /// Allocations requested through this shard's allocator while off its thread; they were
    /// served by the caller's default heap and are counted in ``StatsSnapshot/fallback``.
    public var foreignAllocations: Int
    /// Bytes committed to the shard heap's pages when the areas were last measured.
    public var committedBytes: Int
    /// Bytes in allocated blocks (blocks times block size) when the areas were last measured.
    /// Blocks freed from other threads still count until the shard collects its heap (idle
    /// maintenance does; so does `measureAreas(collect: true)`).
    public var usedBytes: Int
    /// `1 - usedBytes / committedBytes`, the share of committed memory holding no live block;
    /// 0 when nothing is committed.
    public var fragmentation: Double
    /// When the area figures were measured, in nanoseconds of `CLOCK_MONOTONIC`
    /// (`ShardGroup.uptimeNanoseconds`); nil if they never were.
    public var areasMeasuredAtUptimeNanoseconds: UInt64?
    /// Seconds between the area measurement and the snapshot; nil if never measured.
    public var areaAgeSeconds: Double?

    /// Combines a shard's counters and area figures as read at `takenAtUptimeNanoseconds`.
    ///
    /// - Parameters:
    ///   - counters: From `ShardGroup.counters(ofShard:)`.
    ///   - areas: From `ShardGroup.areaFigures(ofShard:)`.
    ///   - takenAtUptimeNanoseconds: The moment of the reading, for ``areaAgeSeconds``.
    ///
    /// Any thread may call this.
    public init(counters: ShardCounters, areas: ShardAreaFigures, takenAtUptimeNanoseconds: UInt64) {
        self.index = counters.index
        self.liveBytes = counters.liveBytes
        self.liveAllocations = counters.liveAllocations
        self.totalAllocations = counters.totalAllocations
        self.totalDeallocations = counters.totalDeallocations
        self.allocatedBytes = counters.allocatedBytes
        self.freedBytes = counters.freedBytes
        self.remoteDeallocations = counters.remoteDeallocations
        self.foreignAllocations = counters.foreignAllocations
        self.committedBytes = areas.committedBytes
        self.usedBytes = areas.usedBytes
        self.fragmentation = areas.fragmentation
        self.areasMeasuredAtUptimeNanoseconds = areas.measuredAtUptimeNanoseconds
        self.areaAgeSeconds = areas.measuredAtUptimeNanoseconds.map { measuredAt in
            // A measurement that lands after the snapshot's clock reading counts as age 0.
            measuredAt >= takenAtUptimeNanoseconds
                ? 0 : Double(takenAtUptimeNanoseconds - measuredAt) / 1_000_000_000
        }
    }

    enum CodingKeys: String, CodingKey {
        case index
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
        case areasMeasuredAtUptimeNanoseconds = "areas_measured_at_uptime_ns"
        case areaAgeSeconds = "area_age_seconds"
    }
}
