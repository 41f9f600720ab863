import ShardedHeap
import Testing

#if canImport(Glibc)
import Glibc
import ShardedHeapTestSupport
#endif

/// The root of the stats tests. `.serialized` (inherited by every nested suite) keeps them one
/// at a time, so process-wide figures (resident memory) are not disturbed by our own tests.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct StatsTests {}

/// An actor whose code always runs on one shard's owner thread, so its allocations come from
/// that shard's heap and its frees are owner frees. Holds the buffers it allocated.
actor ShardResident {
    nonisolated let unownedExecutor: UnownedSerialExecutor
    let heap: ShardGroup
    let shard: Int
    private var buffers: [OwnedBuffer?] = []

    init(heap: ShardGroup, shard: Int) {
        self.heap = heap
        self.shard = shard
        self.unownedExecutor = heap.executor(forShard: shard).asUnownedSerialExecutor()
    }

    /// Allocates `count` buffers of `byteCount` bytes on the shard, untouched (no byte is
    /// initialised), and keeps them.
    /// - Returns: Their usable bytes, and whether every one came from the shard's heap.
    func allocate(count: Int, byteCount: Int) -> (usableBytes: Int, allOnShard: Bool) {
        var usable = 0
        var allOnShard = heap.currentShardIndex == shard
        buffers.reserveCapacity(buffers.count + count)
        for _ in 0..<count {
            let buffer = OwnedBuffer(UniqueBuffer(capacity: byteCount))
            usable += buffer.capacity
            allOnShard = allOnShard && buffer.shardIndex == shard
            buffers.append(buffer)
        }
        return (usable, allOnShard)
    }

    /// Writes every byte of every buffer kept (touches the memory, making it resident).
    func fillAll() {
        for buffer in buffers {
            guard let buffer else { continue }
            // Safe: the buffer is alive, its block holds `capacity` bytes, and only this actor
            // uses it.
            _ = memset(buffer.unsafeBaseAddress, 0x5A, buffer.capacity)
        }
    }

    /// Frees (on the owner thread) every buffer whose position satisfies `predicate`.
    /// - Returns: The usable bytes freed.
    func release(where predicate: @Sendable (Int) -> Bool) -> Int {
        var freed = 0
        for position in buffers.indices where predicate(position) {
            if let buffer = buffers[position] {
                freed += buffer.capacity
                buffers[position] = nil
            }
        }
        return freed
    }

    /// Frees every buffer still kept.
    func releaseAll() -> Int {
        let freed = release { _ in true }
        buffers = []
        return freed
    }
}
