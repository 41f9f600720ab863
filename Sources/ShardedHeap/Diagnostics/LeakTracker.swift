/// Checks that a piece of work gives back every allocation it counted in a heap.
///
/// A tracker records the heap's live allocations and bytes (all shards plus the fallback bucket)
/// when it is made; ``leakedAllocations`` and ``leakedBytes`` are what has been added since. Use
/// it in tests:
///
/// ```swift
/// let tracker = LeakTracker(group: heap)
/// await runTheWork(heap)
/// #expect(tracker.leakedAllocations == 0)
/// ```
///
/// The counts are exact once the work has finished, including frees from other threads. They
/// cover memory counted by the heap: shard allocators, `OwnedBuffer`/`UniqueBuffer` made on the
/// heap's shard threads, and fallback allocations on its behalf (buffers made off every shard
/// thread without an allocator count in ``ShardGroup/shared``). Another task allocating from the
/// same heap at the same time shows up here too, so give each test its own heap.
///
/// Any thread may use a tracker.
public struct LeakTracker: Sendable {
    /// The heap being watched.
    public let group: ShardGroup
    /// Live allocations when the tracker was made.
    public let baselineAllocations: Int
    /// Live bytes when the tracker was made.
    public let baselineBytes: Int

    /// Starts tracking `group` from now.
    public init(group: ShardGroup = .shared) {
        self.group = group
        let (allocations, bytes) = LeakTracker.live(in: group)
        self.baselineAllocations = allocations
        self.baselineBytes = bytes
    }

    /// Allocations made since the tracker was created and not freed yet (negative if the work
    /// freed more than it made).
    public var leakedAllocations: Int { LeakTracker.live(in: group).allocations - baselineAllocations }

    /// Usable bytes allocated since the tracker was created and not freed yet.
    public var leakedBytes: Int { LeakTracker.live(in: group).bytes - baselineBytes }

    /// Runs `body` and returns its result with the allocations it left behind.
    ///
    /// - Returns: The body's value and the live allocations and bytes it added.
    public static func measure<Result, Failure: Error>(
        group: ShardGroup = .shared,
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws(Failure) -> Result
    ) async throws(Failure) -> (result: Result, leakedAllocations: Int, leakedBytes: Int) {
        let tracker = LeakTracker(group: group)
        let result = try await body()
        return (result, tracker.leakedAllocations, tracker.leakedBytes)
    }

    private static func live(in group: ShardGroup) -> (allocations: Int, bytes: Int) {
        var allocations = group.fallbackCounters.liveAllocations
        var bytes = group.fallbackCounters.liveBytes
        for shard in 0..<group.shardCount {
            let counters = group.counters(ofShard: shard)
            allocations += counters.liveAllocations
            bytes += counters.liveBytes
        }
        return (allocations, bytes)
    }
}
