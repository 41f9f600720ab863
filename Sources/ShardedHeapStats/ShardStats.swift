import ShardedHeap

/// The statistics of one shard at the moment of a snapshot.
///
/// Counts and byte figures (``counters``, whose fields read as this value's own: `stats.liveBytes`)
/// come from the package's own bookkeeping and are in usable sizes (`mi_usable_size`, what
/// `OwnedBuffer.capacity` reports). Area figures come from walking the shard heap's pages
/// (`mi_heap_visit_blocks`) on the shard's own thread, which happens during idle maintenance and
/// in `ShardGroup.measureAreas(collect:)`; ``areaAgeSeconds`` tells how old they are.
///
/// JSON keys (stable): `index`, the keys of `AllocationCounters` (`live_bytes`,
/// `live_allocations`, `total_allocations`, `total_deallocations`, `allocated_bytes`,
/// `freed_bytes`, `remote_deallocations`, `foreign_allocations`), `committed_bytes`,
/// `used_bytes`, `fragmentation`, `areas_measured_at_uptime_ns` and `area_age_seconds` (both left
/// out when never measured).
@dynamicMemberLookup
public struct ShardStats: Sendable, Hashable, Codable {
    /// The shard index, `0..<shardCount`.
    public var index: Int
    /// What the shard allocated and freed.
    public var counters: AllocationCounters
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
    ///   - index: The shard's index.
    ///   - counters: From `ShardGroup.counters(ofShard:)`.
    ///   - areas: From `ShardGroup.areaFigures(ofShard:)`.
    ///   - takenAtUptimeNanoseconds: The moment of the reading, for ``areaAgeSeconds``.
    ///
    /// Any thread may call this.
    public init(index: Int, counters: AllocationCounters, areas: ShardAreaFigures, takenAtUptimeNanoseconds: UInt64) {
        self.index = index
        self.counters = counters
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

    /// A counter of ``counters``, read as if it were this value's own (`stats.liveBytes`).
    public subscript<Value>(dynamicMember keyPath: KeyPath<AllocationCounters, Value>) -> Value {
        counters[keyPath: keyPath]
    }

    enum CodingKeys: String, CodingKey {
        case index
        case committedBytes = "committed_bytes"
        case usedBytes = "used_bytes"
        case fragmentation
        case areasMeasuredAtUptimeNanoseconds = "areas_measured_at_uptime_ns"
        case areaAgeSeconds = "area_age_seconds"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        index = try container.decode(Int.self, forKey: .index)
        counters = try AllocationCounters(from: decoder)
        committedBytes = try container.decode(Int.self, forKey: .committedBytes)
        usedBytes = try container.decode(Int.self, forKey: .usedBytes)
        fragmentation = try container.decode(Double.self, forKey: .fragmentation)
        areasMeasuredAtUptimeNanoseconds = try container.decodeIfPresent(
            UInt64.self,
            forKey: .areasMeasuredAtUptimeNanoseconds
        )
        areaAgeSeconds = try container.decodeIfPresent(Double.self, forKey: .areaAgeSeconds)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(index, forKey: .index)
        // The counters' keys sit beside this value's own, in the same object.
        try counters.encode(to: encoder)
        try container.encode(committedBytes, forKey: .committedBytes)
        try container.encode(usedBytes, forKey: .usedBytes)
        try container.encode(fragmentation, forKey: .fragmentation)
        try container.encodeIfPresent(areasMeasuredAtUptimeNanoseconds, forKey: .areasMeasuredAtUptimeNanoseconds)
        try container.encodeIfPresent(areaAgeSeconds, forKey: .areaAgeSeconds)
    }
}
