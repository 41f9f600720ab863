/// What mimalloc's own page areas of one shard heap held when they were last measured.
///
/// Measuring walks the heap's areas (`mi_heap_visit_blocks`), which must run on the shard's owner
/// thread, so the figures are taken during idle maintenance and by
/// ``ShardGroup/measureAreas(collect:)``, and read here without waiting for the shard.
public struct ShardAreaFigures: Sendable, Hashable, Codable {
    /// Bytes committed to the heap's pages.
    public var committedBytes: Int
    /// Bytes in blocks that were allocated (block count times block size).
    public var usedBytes: Int
    /// When the figures were taken, in nanoseconds of `CLOCK_MONOTONIC`; nil if never.
    public var measuredAtUptimeNanoseconds: UInt64?

    /// Creates figures. Normally you get them from ``ShardGroup/areaFigures(ofShard:)``.
    public init(committedBytes: Int, usedBytes: Int, measuredAtUptimeNanoseconds: UInt64?) {
        self.committedBytes = committedBytes
        self.usedBytes = usedBytes
        self.measuredAtUptimeNanoseconds = measuredAtUptimeNanoseconds
    }

    /// `1 - used / committed`: the share of committed memory not holding live blocks; 0 when
    /// nothing is committed.
    public var fragmentation: Double {
        guard committedBytes > 0 else { return 0 }
        return max(0, 1 - Double(usedBytes) / Double(committedBytes))
    }
}
