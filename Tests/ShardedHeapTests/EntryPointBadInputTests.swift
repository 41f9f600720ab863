import ShardedHeapTestSupport
import Testing

@testable import ShardedHeap

/// Every public entry point of the core with each bad argument it can get. Programmer errors trap
/// with a message naming the value (checked in a child process); failures a caller can handle
/// throw, and leave the heap as it was.
enum BadCall: String, Codable, CaseIterable, CustomTestStringConvertible {
    case ownedNegative, ownedAlignmentThree, ownedAlignmentTooLarge, ownedIntMax, uniqueCapacityNegative
    case uniqueNegative, uniqueAlignmentZero, uniqueResizeNegative, uniqueIntMax, uniqueAppendNegative
    case makeBufferNegative, makeBufferIntMax, makeUniqueBufferAlignment, tryMakeBufferNegative
    case tryMakeUniqueBufferAlignment
    case mimallocAllocateNegative, systemAllocateAlignment, shardAllocateAlignment, mimallocReallocateNegative
    case executorOutOfRange, countersOutOfRange, taskOutOfRange, memoryLimitOutOfRange, areaFiguresOutOfRange
    case idleDelayTooShort

    var testDescription: String { rawValue }

    /// What the trap message must contain.
    var message: String {
        switch self {
        case .ownedNegative: "OwnedBuffer: byteCount must not be negative (got -1)"
        case .ownedAlignmentThree: "OwnedBuffer: alignment must be a power of two from 1 to 65536 (got 3)"
        case .ownedAlignmentTooLarge: "OwnedBuffer: alignment must be a power of two from 1 to 65536 (got 131072)"
        case .ownedIntMax, .uniqueIntMax: "out of memory allocating 9223372036854775807 bytes"
        case .uniqueCapacityNegative: "UniqueBuffer: byteCount must not be negative (got -9)"
        case .uniqueNegative: "UniqueBuffer: byteCount must not be negative (got -1)"
        case .uniqueAlignmentZero: "UniqueBuffer: alignment must be a power of two from 1 to 65536 (got 0)"
        case .uniqueResizeNegative: "UniqueBuffer.resize(to:): byteCount must not be negative (got -2)"
        case .uniqueAppendNegative: "UniqueBuffer.append(repeating:count:): count must not be negative (got -4)"
        case .makeBufferNegative: "ShardAllocator.makeBuffer: byteCount must not be negative (got -3)"
        case .makeBufferIntMax: "out of memory allocating 9223372036854775807 bytes"
        case .makeUniqueBufferAlignment:
            "ShardAllocator.makeUniqueBuffer: alignment must be a power of two from 1 to 65536 (got 12)"
        case .tryMakeBufferNegative: "ShardAllocator.tryMakeBuffer: byteCount must not be negative (got -5)"
        case .tryMakeUniqueBufferAlignment:
            "ShardAllocator.tryMakeUniqueBuffer: alignment must be a power of two from 1 to 65536 (got 48)"
        case .mimallocAllocateNegative: "MimallocAllocator.allocate: byteCount must not be negative (got -4)"
        case .systemAllocateAlignment:
            "SystemAllocator.allocate: alignment must be a power of two from 1 to 65536 (got 6)"
        case .shardAllocateAlignment:
            "ShardAllocator.allocate: alignment must be a power of two from 1 to 65536 (got 24)"
        case .mimallocReallocateNegative: "MimallocAllocator.reallocate: byteCount must not be negative (got -1)"
        case .executorOutOfRange: "shard index 2 is out of range 0..<2"
        case .countersOutOfRange: "shard index -1 is out of range 0..<2"
        case .taskOutOfRange: "shard index 9 is out of range 0..<2"
        case .memoryLimitOutOfRange: "shard index 7 is out of range 0..<2"
        case .areaFiguresOutOfRange: "shard index 2 is out of range 0..<2"
        case .idleDelayTooShort: "idleCollectDelay must be at least 1 ms (got 0.0 seconds)"
        }
    }

    /// Makes the call. Every case traps.
    func run() {
        let heap = ShardGroup(shardCount: 2)
        let alloc = ShardAllocator(group: heap, shardIndex: 0)
        switch self {
        case .ownedNegative: _ = OwnedBuffer(byteCount: -1)
        case .ownedAlignmentThree: _ = OwnedBuffer(byteCount: 8, alignment: 3)
        case .ownedAlignmentTooLarge: _ = OwnedBuffer(byteCount: 8, alignment: 1 << 17)
        case .ownedIntMax: _ = OwnedBuffer(byteCount: .max)
        case .uniqueCapacityNegative: _ = UniqueBuffer(capacity: -9)
        case .uniqueNegative: _ = UniqueBuffer(byteCount: -1)
        case .uniqueAlignmentZero: _ = UniqueBuffer(byteCount: 8, alignment: 0)
        case .uniqueResizeNegative:
            var unique = UniqueBuffer(byteCount: 8)
            unique.resize(to: -2)
        case .uniqueIntMax: _ = UniqueBuffer(byteCount: .max)
        case .uniqueAppendNegative:
            var unique = UniqueBuffer(capacity: 8)
            unique.append(repeating: 1, count: -4)
        case .makeBufferNegative: _ = alloc.makeBuffer(byteCount: -3)
        case .makeBufferIntMax: _ = alloc.makeBuffer(byteCount: .max)
        case .makeUniqueBufferAlignment: _ = alloc.makeUniqueBuffer(byteCount: 8, alignment: 12)
        case .tryMakeBufferNegative: _ = try? alloc.tryMakeBuffer(byteCount: -5)
        case .tryMakeUniqueBufferAlignment: _ = try? alloc.tryMakeUniqueBuffer(byteCount: 8, alignment: 48)
        case .mimallocAllocateNegative: _ = try? MimallocAllocator().allocate(byteCount: -4, alignment: 8)
        case .systemAllocateAlignment: _ = try? SystemAllocator().allocate(byteCount: 4, alignment: 6)
        case .shardAllocateAlignment: _ = try? alloc.allocate(byteCount: 4, alignment: 24)
        case .mimallocReallocateNegative:
            let pointer = try! MimallocAllocator().allocate(byteCount: 8, alignment: 8)
            _ = try? MimallocAllocator().reallocate(pointer, byteCount: -1, alignment: 8)
        case .executorOutOfRange: _ = heap.executor(forShard: 2)
        case .countersOutOfRange: _ = heap.counters(ofShard: -1)
        case .taskOutOfRange: heap.task(shard: 9) { _ in }
        case .memoryLimitOutOfRange: _ = heap.memoryLimit(ofShard: 7)
        case .areaFiguresOutOfRange: _ = heap.areaFigures(ofShard: 2)
        case .idleDelayTooShort: _ = ShardGroup(shardCount: 1, idleCollectDelay: .zero)
        }
    }
}

@Suite("Bad input at every entry point")
struct EntryPointBadInputTests {
    @Test("Traps with a message naming the bad value", arguments: BadCall.allCases)
    func traps(call: BadCall) async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [call] in
            call.run()
        }
        let text = standardError(of: result)
        #expect(text.contains(call.message), "stderr was: \(text.suffix(400))")
    }

    @Test("A thrown allocation error leaves counts as they were, and later calls work")
    func thrownErrorsLeaveStateIntact() async {
        let heap = ShardGroup(shardCount: 1)
        await withShardedAllocation(on: heap) { alloc in
            #expect(throws: AllocationError.outOfMemory(requested: .max, alignment: 16)) {
                _ = try alloc.tryMakeBuffer(byteCount: .max)
            }
            #expect(throws: AllocationError.outOfMemory(requested: .max - 8, alignment: 64)) {
                _ = try alloc.tryMakeUniqueBuffer(byteCount: .max - 8, alignment: 64)
            }
            #expect(throws: AllocationError.outOfMemory(requested: .max, alignment: 16)) {
                _ = try alloc.allocate(byteCount: .max, alignment: 16)
            }
            #expect(heap.counters(ofShard: 0).totalAllocations == 0)
            let buffer = alloc.makeBuffer(byteCount: 100)
            buffer.withUnsafeMutableBytes { fill($0, seed: 1) }
            #expect(buffer.withUnsafeBytes { holdsPattern($0, seed: 1) })
            #expect(heap.counters(ofShard: 0).liveAllocations == 1)
        }
        #expect(heap.counters(ofShard: 0).liveAllocations == 0)
        #expect(heap.fallbackCounters.totalAllocations == 0)
        await heap.shutdown()
    }
}
