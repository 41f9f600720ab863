import ShardedHeapTestSupport
import Synchronization
import Testing

@testable import ShardedHeap

/// Counts calls and checks that frees receive exactly the pointers allocate returned.
final class RecordingAllocator: Allocator, Sendable {
    let live = PThreadLock<Set<UInt>>([])
    let frees = Atomic<Int>(0)
    let mismatchedFrees = Atomic<Int>(0)

    func allocate(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        let pointer = try MimallocAllocator().allocate(byteCount: byteCount, alignment: alignment)
        live.withLock { _ = $0.insert(UInt(bitPattern: pointer)) }
        return pointer
    }

    func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        let moved = try MimallocAllocator().reallocate(pointer, byteCount: byteCount, alignment: alignment)
        live.withLock {
            $0.remove(UInt(bitPattern: pointer))
            $0.insert(UInt(bitPattern: moved))
        }
        return moved
    }

    func deallocate(_ pointer: UnsafeMutableRawPointer) {
        frees.wrappingAdd(1, ordering: .relaxed)
        if live.withLock({ $0.remove(UInt(bitPattern: pointer)) }) == nil {
            mismatchedFrees.wrappingAdd(1, ordering: .relaxed)
        }
        Mimalloc.free(pointer)
    }
}

@Suite("Allocator conformers")
struct AllocatorTests {
    /// Allocates, fills, grows, shrinks and frees through `allocator`, checking contents and
    /// alignment at every step.
    func exercise(_ allocator: some Allocator, alignment: Int) throws(AllocationError) {
        var pointer = try allocator.allocate(byteCount: 100, alignment: alignment)
        #expect(Int(bitPattern: pointer) % alignment == 0)
        fill(UnsafeMutableRawBufferPointer(start: pointer, count: 100), seed: alignment)
        pointer = try allocator.reallocate(pointer, byteCount: 50_000, alignment: alignment)
        #expect(Int(bitPattern: pointer) % alignment == 0)
        #expect(holdsPattern(UnsafeRawBufferPointer(start: pointer, count: 100), seed: alignment))
        pointer = try allocator.reallocate(pointer, byteCount: 10, alignment: alignment)
        #expect(holdsPattern(UnsafeRawBufferPointer(start: pointer, count: 10), seed: alignment))
        allocator.deallocate(pointer)
        let empty = try allocator.allocate(byteCount: 0, alignment: alignment)
        allocator.deallocate(empty)
    }

    @Test(
        "MimallocAllocator and SystemAllocator allocate, reallocate and free, aligned to 4096",
        arguments: [1, 8, 16, 64, 4096]
    )
    func plainAllocators(alignment: Int) throws {
        try exercise(MimallocAllocator(), alignment: alignment)
        try exercise(SystemAllocator(), alignment: alignment)
    }

    // See ProcessAllocatorTests: mi_is_in_heap_region does not see sanitizer-placed memory.
    @Test(
        "SystemAllocator memory is glibc's, MimallocAllocator memory is mimalloc's",
        .disabled(if: runningUnderSanitizer)
    )
    func whoseMemory() throws {
        let system = try SystemAllocator().allocate(byteCount: 64, alignment: 16)
        let mimalloc = try MimallocAllocator().allocate(byteCount: 64, alignment: 16)
        #expect(!Mimalloc.isInHeapRegion(system))
        #expect(Mimalloc.isInHeapRegion(mimalloc))
        SystemAllocator().deallocate(system)
        MimallocAllocator().deallocate(mimalloc)
    }

    @Test(
        "The shard allocator's raw pointers are aligned, counted, and freed from any thread",
        arguments: [1, 16, 32, 4096, 65536]
    )
    func shardAllocatorRaw(alignment: Int) async throws {
        let heap = ShardGroup(shardCount: 2)
        let pointers = try await withShardedAllocation(on: heap, shard: 1) { alloc throws(AllocationError) in
            try exercise(alloc, alignment: alignment)
            return try (0..<100).map { index throws(AllocationError) in
                let pointer = try alloc.allocate(byteCount: index * 13, alignment: alignment)
                #expect(Int(bitPattern: pointer) % alignment == 0)
                fill(UnsafeMutableRawBufferPointer(start: pointer, count: index * 13), seed: index)
                return UInt(bitPattern: pointer)
            }
        }
        #expect(heap.counters(ofShard: 1).liveAllocations == 100)
        #expect(heap.counters(ofShard: 1).foreignAllocations == 0)
        let alloc = ShardAllocator(group: heap, shardIndex: 0)
        await onDetachedThread {
            for (index, address) in pointers.enumerated() {
                let pointer = UnsafeMutableRawPointer(bitPattern: address)!
                #expect(holdsPattern(UnsafeRawBufferPointer(start: pointer, count: index * 13), seed: index))
                alloc.deallocate(pointer)
            }
        }
        let counters = heap.counters(ofShard: 1)
        #expect(counters.liveAllocations == 0)
        #expect(counters.liveBytes == 0)
        #expect(counters.remoteDeallocations == 100)
        await heap.shutdown()
    }

    @Test("Int.max bytes throws outOfMemory naming the request", arguments: [0, 1, 2])
    func outOfMemoryThrows(which: Int) async {
        let heap = ShardGroup(shardCount: 1)
        await withShardedAllocation(on: heap) { alloc in
            let allocators: [any Allocator] = [MimallocAllocator(), SystemAllocator(), alloc]
            #expect(throws: AllocationError.outOfMemory(requested: Int.max, alignment: 16)) {
                _ = try allocators[which].allocate(byteCount: Int.max, alignment: 16)
            }
        }
        #expect(heap.counters(ofShard: 0).liveAllocations == 0)
        await heap.shutdown()
    }

    @Test("Buffers over another allocator free exactly the pointer it returned, once")
    func buffersOverAllocators() async {
        let recording = RecordingAllocator()
        do {
            var growing = UniqueBuffer(byteCount: 300, alignment: 256, allocator: recording)
            growing.withUnsafeMutableBytes { fill($0, seed: 2) }
            growing.resize(to: 90_000)
            let owned = OwnedBuffer(growing)
            #expect(owned.withUnsafeBytes { holdsPattern(UnsafeRawBufferPointer(rebasing: $0[0..<300]), seed: 2) })
            #expect(owned.withUnsafeBytes { $0[300..<90_000].allSatisfy { $0 == 0 } })
            #expect(Int(bitPattern: owned.unsafeBaseAddress) % 256 == 0)
            #expect(owned.shardIndex == nil)
            var unique = UniqueBuffer(byteCount: 40, allocator: recording)
            unique.withUnsafeMutableBytes { fill($0, seed: 3) }
            #expect(recording.live.withLock { $0.count } == 2)
        }
        #expect(recording.frees.load(ordering: .relaxed) == 2)
        #expect(recording.mismatchedFrees.load(ordering: .relaxed) == 0)
        #expect(recording.live.withLock { $0.isEmpty })

        let system = OwnedBuffer(byteCount: 64, allocator: SystemAllocator())
        #expect(!Mimalloc.isInHeapRegion(system.unsafeBaseAddress))

        let heap = ShardGroup(shardCount: 1)
        let shardIndex = await withShardedAllocation(on: heap) { alloc in
            OwnedBuffer(byteCount: 64, allocator: alloc).shardIndex
        }
        #expect(shardIndex == 0)
        #expect(heap.counters(ofShard: 0).totalAllocations == 1)
        await heap.shutdown()
    }
}
