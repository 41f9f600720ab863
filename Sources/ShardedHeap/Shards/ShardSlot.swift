import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One shard of a group, or a group's fallback bucket: its counting record, its heap and pool,
/// and the executor whose thread owns them.
///
/// Slots are immortal: `ShardSlot.registry` keeps every slot alive for the life of the process,
/// so blocks may refer to their slot's record unretained (no reference counting, hence no atomic
/// read-modify-write, on the allocation path) and may outlive the `ShardGroup` that made them.
/// A slot costs a few hundred bytes; groups are expected to be few and long-lived.
///
/// The counters live in the record (``shard``, a `cmi_shard_t` laid out in the C shim): the
/// owner counts there with plain stores; other threads count in per-thread records that readers
/// sum. See `Mimalloc.Shard`.
final class ShardSlot: Sendable {
    /// Every slot ever made. Holding them here keeps them alive and reachable.
    static let registry = PThreadLock<[ShardSlot]>([])

    /// Sets, once, what a remote free runs to wake an idle owner.
    private static let collectHandlerInstalled: Bool = {
        Mimalloc.Shard.setCollectHandler { object in
            guard let object else { return }
            // Safe: the record's object is its immortal slot.
            Unmanaged<ShardSlot>.fromOpaque(object).takeUnretainedValue().executor?.requestMaintenance()
        }
        return true
    }()

    /// The `ShardGroup.id` this slot belongs to.
    let groupID: Int
    /// The shard index, or `ShardSlot.fallbackIndex` for the group's fallback bucket.
    let index: Int

    static let fallbackIndex = -1

    /// The fallback bucket of the same group (for a fallback bucket: nil, meaning itself).
    private let fallbackOfGroup: ShardSlot?

    /// Where allocations on behalf of this slot's group are counted when no shard thread of the
    /// group is running the caller.
    var fallback: ShardSlot { fallbackOfGroup ?? self }

    /// The counting record (and, for a shard, the heap the owner allocates from).
    let shard: Mimalloc.Shard

    // Area figures measured by the owner during maintenance (relaxed stores; read anywhere).
    let areaCommittedBytes = Atomic<Int>(0)
    let areaUsedBytes = Atomic<Int>(0)
    let areaMeasuredAtNanoseconds = Atomic<Int>(0)

    /// The shard's page pool for regions, created on first use by `PagePool.current`. Written and
    /// read only on the owner thread (other threads reach the pool only through a region that
    /// already holds it, and then never take pages from it).
    nonisolated(unsafe) var pagePool: PagePool?

    /// The executor whose thread owns this slot (nil for a fallback bucket). Set once, before
    /// the slot is published.
    nonisolated(unsafe) private(set) var executor: ShardExecutor?

    /// The exclusive arena this shard's heap is confined to, when the shard has a memory limit.
    let arena: Mimalloc.Arena?

    /// The shard's memory cap in live bytes, or nil when unlimited.
    let memoryLimit: Int?

    init(groupID: Int, index: Int, fallback: ShardSlot?, arena: Mimalloc.Arena? = nil, memoryLimit: Int? = nil) {
        _ = ShardSlot.collectHandlerInstalled
        self.groupID = groupID
        self.index = index
        self.arena = arena
        self.memoryLimit = memoryLimit
        self.fallbackOfGroup = fallback
        self.shard = Mimalloc.Shard.create(isShard: index != ShardSlot.fallbackIndex, groupID: groupID)
        shard.object = Unmanaged.passUnretained(self).toOpaque()
        shard.setLimit(memoryLimit)
        ShardSlot.registry.withLock { $0.append(self) }
    }

    func attach(_ executor: ShardExecutor) {
        require(self.executor == nil, "a shard slot is attached once")
        self.executor = executor
    }

    var isFallback: Bool { index == ShardSlot.fallbackIndex }

    /// The mimalloc heap, capped or not. Read and written only on the owner thread.
    var heap: Mimalloc.Heap? { shard.ownedHeap }

    /// The slot whose record is `shard`.
    /// - Precondition: `shard` is a slot's record (slots set their records' object in init).
    static func of(_ shard: Mimalloc.Shard) -> ShardSlot {
        // Safe: the object was set in init to this immortal slot.
        Unmanaged<ShardSlot>.fromOpaque(shard.object.unsafelyUnwrapped).takeUnretainedValue()
    }

    /// The slot whose owner thread is the calling thread, or nil.
    static var current: ShardSlot? {
        Mimalloc.Shard.current.map(ShardSlot.of)
    }

    /// A consistent-enough reading of the counters: the owner's, every thread's entries, and
    /// what departed threads left.
    var counters: AllocationCounters { shard.counters }
}

extension ShardSlot {
    /// Owner thread, when the shard stops: the page pool stops being confined to this thread and
    /// gives its idle chunks back, and the slot lets go of it, so that the pool and its last
    /// chunks go once the last region still holding it closes (otherwise pages returned after the
    /// stop would wait for an owner that never comes back).
    func retirePagePool() {
        guard let pool = pagePool else { return }
        pool.retireFromShard()
        pagePool = nil
    }
}
