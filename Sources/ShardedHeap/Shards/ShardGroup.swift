import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A set of mimalloc heaps, each owned by one dedicated thread that is also a Swift
/// `TaskExecutor` and `SerialExecutor`.
///
/// Allocation goes to the heap of the shard whose thread is running the caller. Tasks may hop
/// threads at every `await`, so the heap is chosen again at each allocation, from the current
/// thread; no heap is ever used off its owner thread. Memory may be freed from any thread.
///
/// ```swift
/// let total = await withShardedAllocation { alloc in
///     let buffer = alloc.makeBuffer(byteCount: 4096)
///     // ...
///     return buffer.count
/// }
/// ```
///
/// Threads start on first use. Call ``shutdown()`` on heaps you create yourself once you are
/// done with them; ``shared`` lives as long as the process.
///
/// All members may be called from any thread.
public final class ShardGroup: Sendable {
    /// The process-wide group, with one shard per processor the process may keep busy
    /// (``activeProcessorCount``). Its threads start on first use.
    public static let shared = ShardGroup(shardCount: ShardGroup.activeProcessorCount)

    /// The number of processors this process may keep busy now: its CPU affinity
    /// (`sched_getaffinity`), limited by a cgroup CPU quota when there is one (cgroup v2
    /// `cpu.max`, or v1 `cpu.cfs_quota_us` over `cpu.cfs_period_us`, rounded up), and at least 1.
    ///
    /// Any thread may read this; each read looks at the files again.
    public static var activeProcessorCount: Int {
        let affinity = Mimalloc.activeProcessorCount
        return max(1, min(affinity, ProcessorQuota.limit() ?? affinity))
    }

    private static let nextID = Atomic<Int>(1)

    /// A process-unique number for this heap.
    public let id: Int

    /// How long an idle shard waits after its last job before it collects its heap.
    public let idleCollectDelay: Duration

    let executors: [ShardExecutor]
    /// The task-executor face of each shard (jobs not isolated to the shard), in shard order.
    let taskExecutors: [ShardTaskExecutor]
    let fallbackSlot: ShardSlot
    private let nextShard = Atomic<Int>(0)
    private let isShutDownFlag = Atomic<Bool>(false)

    /// Creates a heap with `shardCount` shards. No thread starts until a shard is first used.
    ///
    /// - Parameters:
    ///   - shardCount: The number of shards, at least 1.
    ///   - idleCollectDelay: How long a shard stays idle before it collects its heap, returning
    ///     memory freed from other threads. At least one millisecond.
    /// - Precondition: `shardCount >= 1`.
    public convenience init(shardCount: Int, idleCollectDelay: Duration = .milliseconds(50)) {
        ShardGroup.checkShape(shardCount: shardCount, idleCollectDelay: idleCollectDelay)
        self.init(caps: Array(repeating: nil, count: shardCount), idleCollectDelay: idleCollectDelay)
    }

    /// Creates a group whose shards each have a memory cap, in live bytes.
    ///
    /// A capped shard refuses an allocation when its live usable bytes (allocated on the shard
    /// and not yet freed, from any thread) plus the request would pass the cap: the allocation
    /// fails with ``AllocationError/limitExceeded(shard:limit:live:requested:)`` (the non-throwing
    /// makers trap with the same message), and other shards keep working. Live bytes are usable
    /// sizes, so the cap is exact in what mimalloc handed out and a block counts with its size
    /// class's rounding: at most a quarter over the request from 64 bytes to 128 KiB, and more in a
    /// few ranges (a request just over 512 KiB is charged 1 MiB; over 4 MiB, at most an eighth).
    ///
    /// What the check costs: uncapped shards pay nothing, because a capped shard's heap is kept off
    /// the inlined fast path. A capped shard allocates out of line, compares the owner's own
    /// figures with the cap, and re-sums the frees other threads made only when those figures say
    /// the cap is reached.
    ///
    /// As a hard backstop each capped shard's heap also lives in an exclusive mimalloc arena
    /// (`mi_reserve_os_memory_ex` with `exclusive`, and `mi_heap_new_in_arena`) of twice the cap
    /// plus 64 MiB, so that mimalloc's packing of blocks into 32 MiB segments never decides before
    /// the cap does. The arena's address space is reserved at once; pages are committed when
    /// first used and may be decommitted again, so resident memory follows use. A process can
    /// hold at most 64 arenas, and mimalloc never releases one: the reservation lasts as long as
    /// the process, even after ``shutdown()``. Create capped groups at start-up.
    ///
    /// - Parameters:
    ///   - shardCount: The number of shards, at least 1.
    ///   - memoryLimitPerShard: The cap for every shard, in bytes; nil for no cap.
    ///   - memoryLimitOverrides: Caps for particular shards (shard index to bytes), replacing
    ///     `memoryLimitPerShard` for those shards.
    ///   - idleCollectDelay: As for ``init(shardCount:idleCollectDelay:)``.
    /// - Throws: ``ShardGroupError/arenaUnavailable(shard:requestedBytes:code:)`` when mimalloc
    ///   cannot reserve an arena (for example past its limit of 64).
    /// - Precondition: `shardCount >= 1`; every limit is positive; every override names a shard.
    public convenience init(
        shardCount: Int,
        memoryLimitPerShard: Int?,
        memoryLimitOverrides: [Int: Int] = [:],
        idleCollectDelay: Duration = .milliseconds(50)
    ) throws(ShardGroupError) {
        ShardGroup.checkShape(shardCount: shardCount, idleCollectDelay: idleCollectDelay)
        if let memoryLimitPerShard {
            require(
                memoryLimitPerShard > 0,
                "ShardGroup: memoryLimitPerShard must be positive (got \(memoryLimitPerShard))"
            )
        }
        for (shard, limit) in memoryLimitOverrides.sorted(by: { $0.key < $1.key }) {
            require(
                shard >= 0 && shard < shardCount,
                "ShardGroup: memoryLimitOverrides names shard \(shard), outside 0..<\(shardCount)"
            )
            require(limit > 0, "ShardGroup: the memory limit of shard \(shard) must be positive (got \(limit))")
        }
        var caps: [(arena: Mimalloc.Arena, limit: Int)?] = []
        for shard in 0..<shardCount {
            guard let limit = memoryLimitOverrides[shard] ?? memoryLimitPerShard else {
                caps.append(nil)
                continue
            }
            let (doubled, overflow) = limit.multipliedReportingOverflow(by: 2)
            let reserved = overflow ? Int.max : doubled.addingReportingOverflow(64 << 20).partialValue
            switch Mimalloc.Arena.reserveExclusive(byteCount: reserved) {
            case .success(let arena): caps.append((arena, limit))
            case .failure(let failure):
                throw .arenaUnavailable(shard: shard, requestedBytes: reserved, code: failure.code)
            }
        }
        self.init(caps: caps, idleCollectDelay: idleCollectDelay)
    }

    private static func checkShape(shardCount: Int, idleCollectDelay: Duration) {
        require(shardCount >= 1, "ShardGroup: shardCount must be at least 1 (got \(shardCount))")
        require(
            idleCollectDelay >= .milliseconds(1),
            "ShardGroup: idleCollectDelay must be at least 1 ms (got \(idleCollectDelay))"
        )
    }

    /// Creates a group of one shard per loop, each on its loop's thread (see ``HostedRunLoop``).
    /// Integrations use this through `package` access (`ShardedHeapNIO`).
    /// - Precondition: `loops` is not empty.
    package convenience init(adopting loops: [any HostedRunLoop], idleCollectDelay: Duration) {
        ShardGroup.checkShape(shardCount: loops.count, idleCollectDelay: idleCollectDelay)
        self.init(caps: Array(repeating: nil, count: loops.count), idleCollectDelay: idleCollectDelay, adopting: loops)
        // Start every shard now: its heap is set up by the first task queued on its loop, so it
        // is in place before anything queued later (a channel's registration, say) runs there.
        for executor in executors {
            executor.submit(.call {})
        }
    }

    private init(
        caps: [(arena: Mimalloc.Arena, limit: Int)?],
        idleCollectDelay: Duration,
        adopting loops: [any HostedRunLoop]? = nil
    ) {
        Mimalloc.ensureLoaded()
        let id = ShardGroup.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        self.id = id
        self.idleCollectDelay = idleCollectDelay
        let fallbackSlot = ShardSlot(groupID: id, index: ShardSlot.fallbackIndex, fallback: nil)
        self.fallbackSlot = fallbackSlot
        self.executors = caps.enumerated().map { index, cap in
            ShardExecutor(
                slot: ShardSlot(
                    groupID: id,
                    index: index,
                    fallback: fallbackSlot,
                    arena: cap?.arena,
                    memoryLimit: cap?.limit
                ),
                threadName: "shard-\(id)-\(index)",
                idleCollectDelay: idleCollectDelay,
                adopting: loops?[index]
            )
        }
        self.taskExecutors = executors.map(ShardTaskExecutor.init(shard:))
    }

    /// The memory cap of shard `index` in live bytes, as given, or nil when the shard is not
    /// capped.
    /// - Precondition: `0 <= index < shardCount`.
    public func memoryLimit(ofShard index: Int) -> Int? {
        executor(at: index).slot.memoryLimit
    }

    /// The number of shards.
    public var shardCount: Int { executors.count }

    /// The shard whose owner thread is running the caller, or nil when the caller is on any
    /// other thread (including another heap's shard).
    public var currentShardIndex: Int? {
        guard let slot = ShardSlot.current else { return nil }
        return slot.groupID == id ? slot.index : nil
    }

    /// The executor of shard `index`: use it as the `unownedExecutor` of an actor whose code
    /// must run on the shard's thread, or as a task-executor preference.
    ///
    /// Every job queued through it runs isolated to it, as an actor's must. A task that prefers
    /// it therefore queues its job again at each switch to the generic executor (entering a
    /// nonisolated async function); ``withShardedAllocation(on:shard:_:)`` and
    /// ``task(shard:priority:operation:)`` use the shard's own task executor, which avoids that.
    ///
    /// - Precondition: `0 <= index < shardCount`.
    public func executor(forShard index: Int) -> any TaskExecutor & SerialExecutor {
        executor(at: index)
    }

    /// How many jobs were queued on this group's shards so far (for tests that check an `await`
    /// does not queue a job it need not). Any thread may read it.
    package var jobsQueued: Int {
        executors.reduce(0) { $0 + $1.jobsQueuedCount }
    }

    /// The executor that tasks running on shard `index` prefer.
    /// - Precondition: `0 <= index < shardCount`.
    func taskExecutor(at index: Int) -> ShardTaskExecutor {
        _ = executor(at: index)  // checks the index
        return taskExecutors[index]
    }

    func executor(at index: Int) -> ShardExecutor {
        require(
            index >= 0 && index < executors.count,
            "ShardGroup: shard index \(index) is out of range 0..<\(executors.count)"
        )
        return executors[index]
    }

    /// The next shard for a new scope, round robin.
    func nextShardIndex() -> Int {
        let ticket = nextShard.wrappingAdd(1, ordering: .relaxed).oldValue
        return Int(UInt(bitPattern: ticket) % UInt(executors.count))
    }

    /// Whether ``shutdown()`` has been called.
    public var isShutDown: Bool { isShutDownFlag.load(ordering: .acquiring) }

    /// Drains queued jobs, stops every shard thread and deletes the heaps.
    ///
    /// Buffers still alive stay valid and may be freed later from any thread: their blocks move to
    /// mimalloc's backing heap (`mi_heap_delete`; never `mi_heap_destroy`). Allocation afterwards
    /// falls back to the calling thread's default heap. Work that still targets a shard's
    /// executor afterwards runs on a retired thread that has no heap, which ends once it has
    /// nothing queued. A run loop a shard hosts (SwiftNIO's, see `ShardedHeapNIO`) is asked to end
    /// first.
    ///
    /// Calling it twice, or from several tasks at once, is harmless: every call returns only when
    /// every shard thread has stopped and every heap is deleted.
    public func shutdown() async {
        isShutDownFlag.store(true, ordering: .releasing)
        for executor in executors {
            await executor.stop()
        }
    }

    /// The counters of shard `index`.
    /// - Precondition: `0 <= index < shardCount`.
    public func counters(ofShard index: Int) -> AllocationCounters {
        executor(at: index).slot.counters
    }

    /// The counters of allocations made off every shard thread on behalf of this heap.
    public var fallbackCounters: AllocationCounters { fallbackSlot.counters }
}
