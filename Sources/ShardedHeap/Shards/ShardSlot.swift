import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The accounting and heap handle of one shard, or of a heap's fallback bucket.
///
/// Slots are immortal: `ShardSlot.registry` keeps every slot alive for the life of the process,
/// so buffers may refer to their slot unretained (no reference counting, hence no atomic
/// read-modify-write, on the allocation path) and may outlive the `ShardGroup` that made them.
/// A slot costs a few hundred bytes; heaps are expected to be few and long-lived.
///
/// ## Counting without atomics on the owner's fast path
/// The owner thread is the only writer of the `owner*` counters. It updates them with a relaxed
/// load followed by a relaxed store (two plain moves on x86-64 and arm64), never an atomic
/// read-modify-write. Readers on other threads use relaxed loads and may see a slightly stale
/// value, never a torn one. Every other thread records its work in the `shared*` counters with
/// relaxed `wrappingAdd`, which is a read-modify-write but is not on the owner's fast path.
final class ShardSlot: Sendable {
    /// Every slot ever made. Holding them here keeps them alive and reachable.
    static let registry = PThreadLock<[ShardSlot]>([])

    /// The `ShardGroup.id` this slot belongs to.
    let groupID: Int
    /// The shard index, or `ShardSlot.fallbackIndex` for the heap's fallback bucket.
    let index: Int

    static let fallbackIndex = -1

    /// The fallback bucket of the same heap (for a fallback bucket: nil, meaning itself).
    private let fallbackOfHeap: ShardSlot?

    /// Where allocations on behalf of this slot's heap are counted when no shard thread of the
    /// heap is running the caller.
    var fallback: ShardSlot { fallbackOfHeap ?? self }

    // Written only by the owner thread, with relaxed load + store.
    let ownerAllocations = Atomic<Int>(0)
    let ownerAllocatedBytes = Atomic<Int>(0)
    let ownerFrees = Atomic<Int>(0)
    let ownerFreedBytes = Atomic<Int>(0)

    // Written by any other thread with relaxed read-modify-write.
    let sharedAllocations = Atomic<Int>(0)
    let sharedAllocatedBytes = Atomic<Int>(0)
    let sharedFrees = Atomic<Int>(0)
    let sharedFreedBytes = Atomic<Int>(0)
    /// Allocations that an allocator bound to this shard made off the owner thread (counted in
    /// the fallback bucket's figures, counted here as an event).
    let foreignAllocations = Atomic<Int>(0)

    /// Set by frees from other threads so that an idle owner wakes up and collects.
    let collectRequested = Atomic<Bool>(false)

    // Area figures measured by the owner during maintenance (relaxed stores; read anywhere).
    let areaCommittedBytes = Atomic<Int>(0)
    let areaUsedBytes = Atomic<Int>(0)
    let areaMeasuredAtNanoseconds = Atomic<Int>(0)

    /// The mimalloc heap. Written and read only on the owner thread.
    nonisolated(unsafe) var heap: Mimalloc.Heap?

    /// The shard's page pool for regions, created on first use by `PagePool.current`. Written and
    /// read only on the owner thread (other threads reach the pool only through a region that
    /// already holds it, and then never take pages from it).
    nonisolated(unsafe) var pagePool: PagePool?

    /// The executor whose thread owns this slot (nil for a fallback bucket). Set once, before
    /// the slot is published.
    nonisolated(unsafe) private(set) var executor: ShardExecutor?

    /// The exclusive arena this shard's heap is confined to, when the shard has a memory limit.
    let arena: Mimalloc.Arena?

    /// The shard's memory cap in bytes (its arena's size), or nil when unlimited.
    var memoryLimit: Int? { arena?.byteCount }

    init(groupID: Int, index: Int, fallback: ShardSlot?, arena: Mimalloc.Arena? = nil) {
        self.groupID = groupID
        self.index = index
        self.arena = arena
        self.fallbackOfHeap = fallback
        ShardSlot.registry.withLock { $0.append(self) }
    }

    func attach(_ executor: ShardExecutor) {
        require(self.executor == nil, "a shard slot is attached once")
        self.executor = executor
    }

    var isFallback: Bool { index == ShardSlot.fallbackIndex }

    /// The slot as the opaque pointer stored in thread-local storage and in buffers.
    @inline(__always)
    var opaque: UnsafeMutableRawPointer {
        Unmanaged.passUnretained(self).toOpaque()
    }

    /// The slot behind an opaque pointer.
    /// - Precondition: `pointer` came from `opaque` (slots are immortal, so it is still valid).
    @inline(__always)
    static func from(_ pointer: UnsafeMutableRawPointer) -> Unmanaged<ShardSlot> {
        Unmanaged<ShardSlot>.fromOpaque(pointer)
    }

    // MARK: Recording

    /// Records one allocation made on the owner thread. Plain stores only.
    @inline(__always)
    func recordOwnerAllocation(bytes: Int) {
        ownerAllocations.store(ownerAllocations.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
        ownerAllocatedBytes.store(ownerAllocatedBytes.load(ordering: .relaxed) &+ bytes, ordering: .relaxed)
    }

    /// Records one free made on the owner thread. Plain stores only.
    @inline(__always)
    func recordOwnerFree(bytes: Int) {
        ownerFrees.store(ownerFrees.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
        ownerFreedBytes.store(ownerFreedBytes.load(ordering: .relaxed) &+ bytes, ordering: .relaxed)
    }

    /// Records one allocation made off the owner thread (fallback buckets only).
    func recordSharedAllocation(bytes: Int) {
        sharedAllocations.wrappingAdd(1, ordering: .relaxed)
        sharedAllocatedBytes.wrappingAdd(bytes, ordering: .relaxed)
    }

    /// Records one free made off the owner thread, and asks an idle owner to collect.
    func recordSharedFree(bytes: Int) {
        sharedFrees.wrappingAdd(1, ordering: .relaxed)
        sharedFreedBytes.wrappingAdd(bytes, ordering: .relaxed)
        if !collectRequested.load(ordering: .relaxed),
            !collectRequested.exchange(true, ordering: .relaxed)
        {
            executor?.requestMaintenance()
        }
    }

    /// A consistent-enough reading of the counters (each value is read once, relaxed).
    var counters: AllocationCounters {
        let allocations = ownerAllocations.load(ordering: .relaxed) &+ sharedAllocations.load(ordering: .relaxed)
        let allocatedBytes =
            ownerAllocatedBytes.load(ordering: .relaxed) &+ sharedAllocatedBytes.load(ordering: .relaxed)
        let frees = ownerFrees.load(ordering: .relaxed) &+ sharedFrees.load(ordering: .relaxed)
        let freedBytes = ownerFreedBytes.load(ordering: .relaxed) &+ sharedFreedBytes.load(ordering: .relaxed)
        return AllocationCounters(
            totalAllocations: allocations,
            totalDeallocations: frees,
            allocatedBytes: allocatedBytes,
            freedBytes: freedBytes,
            remoteDeallocations: sharedFrees.load(ordering: .relaxed),
            foreignAllocations: foreignAllocations.load(ordering: .relaxed)
        )
    }
}
