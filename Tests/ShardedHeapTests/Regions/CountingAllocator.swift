import Synchronization

@testable import ShardedHeap

/// An allocator over mimalloc that counts what is outstanding, to check that pools and regions
/// give every block back.
final class CountingAllocator: Allocator, Sendable {
    let allocations = Atomic<Int>(0)
    let deallocations = Atomic<Int>(0)
    let bytes = Mutex<[UInt: Int]>([:])

    var outstanding: Int { allocations.load(ordering: .relaxed) - deallocations.load(ordering: .relaxed) }
    var outstandingBytes: Int { bytes.withLock { $0.values.reduce(0, +) } }

    func allocate(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        let pointer = try MimallocAllocator().allocate(byteCount: byteCount, alignment: alignment)
        allocations.wrappingAdd(1, ordering: .relaxed)
        let key = UInt(bitPattern: pointer)
        bytes.withLock { $0[key] = byteCount }
        return pointer
    }

    func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        let moved = try MimallocAllocator().reallocate(pointer, byteCount: byteCount, alignment: alignment)
        let (old, new) = (UInt(bitPattern: pointer), UInt(bitPattern: moved))
        bytes.withLock {
            $0[old] = nil
            $0[new] = byteCount
        }
        return moved
    }

    func deallocate(_ pointer: UnsafeMutableRawPointer) {
        let key = UInt(bitPattern: pointer)
        bytes.withLock { table in
            precondition(table[key] != nil, "CountingAllocator: freeing a block it did not make")
            table[key] = nil
        }
        deallocations.wrappingAdd(1, ordering: .relaxed)
        MimallocAllocator().deallocate(pointer)
    }

    var freesIndividually: Bool { true }
}

/// Fills `count` bytes at `pointer` with a pattern from `seed`.
func fill(_ pointer: UnsafeMutableRawPointer, count: Int, seed: Int) {
    fill(UnsafeMutableRawBufferPointer(start: pointer, count: count), seed: seed)
}

/// Whether `count` bytes at `pointer` hold the pattern from `seed`.
func holdsPattern(_ pointer: UnsafeRawPointer, count: Int, seed: Int) -> Bool {
    holdsPattern(UnsafeRawBufferPointer(start: pointer, count: count), seed: seed)
}

/// A small deterministic generator (SplitMix64) for repeatable random tests.
struct SplitMixGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
