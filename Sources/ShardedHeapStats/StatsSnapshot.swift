/// Everything ``Stats/snapshot(of:)`` read about one heap and the process, at one moment.
///
/// A plain value: keep it, compare it (``delta(since:)`` for rates), print it (an aligned text
/// table), encode it (`Codable`, with the stable JSON keys below) or expose it to Prometheus
/// (``prometheusText(labels:)``).
///
/// JSON keys (stable): `heap_id`, `is_shut_down`, `taken_at_uptime_ns`, `process`
/// (see ``ProcessStats``), `shards` (an array of ``ShardStats``), `totals` (see
/// ``StatsTotals``, which holds the `fallback` bucket).
public struct StatsSnapshot: Sendable, Hashable, Codable {
    /// The `ShardGroup.id` of the heap read.
    public var groupID: Int
    /// Whether the heap had been shut down.
    public var isShutDown: Bool
    /// When the snapshot was taken, in nanoseconds of `CLOCK_MONOTONIC`
    /// (`ShardGroup.uptimeNanoseconds`).
    public var takenAtUptimeNanoseconds: UInt64
    /// Process-wide figures.
    public var process: ProcessStats
    /// One entry per shard; `shards[i].index == i`.
    public var shards: [ShardStats]
    /// Sums over ``shards``, plus the heap's off-shard allocations.
    public var totals: StatsTotals

    /// Assembles a snapshot from its parts and computes ``totals``. Normally you get one from
    /// ``Stats/snapshot(of:)``.
    ///
    /// - Parameters:
    ///   - groupID: The heap's `id`.
    ///   - isShutDown: Whether the heap had been shut down.
    ///   - takenAtUptimeNanoseconds: The moment of the reading (`CLOCK_MONOTONIC` nanoseconds).
    ///   - process: Process-wide figures.
    ///   - shards: One entry per shard, in index order.
    ///   - fallback: The heap's fallback bucket.
    ///
    /// Any thread may call this.
    public init(
        groupID: Int,
        isShutDown: Bool,
        takenAtUptimeNanoseconds: UInt64,
        process: ProcessStats,
        shards: [ShardStats],
        fallback: FallbackStats
    ) {
        self.groupID = groupID
        self.isShutDown = isShutDown
        self.takenAtUptimeNanoseconds = takenAtUptimeNanoseconds
        self.process = process
        self.shards = shards
        self.totals = StatsTotals(shards: shards, fallback: fallback)
    }

    /// The heap's off-shard allocations (the same as `totals.fallback`).
    public var fallback: FallbackStats { totals.fallback }

    enum CodingKeys: String, CodingKey {
        case groupID = "heap_id"
        case isShutDown = "is_shut_down"
        case takenAtUptimeNanoseconds = "taken_at_uptime_ns"
        case process
        case shards
        case totals
    }
}
