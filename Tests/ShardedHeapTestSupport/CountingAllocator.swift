import ShardedHeap
import Synchronization

/// An allocator over mimalloc that counts what is outstanding, to check that pools and regions
/// give every block back.
public final class CountingAllocator: Allocator, Sendable {
    public init() {}

    public let allocations = Atomic<Int>(0)
    public let deallocations = Atomic<Int>(0)
    let bytes = PThreadLock<[UInt: Int]>([:])

    public var outstanding: Int { allocations.load(ordering: .relaxed) - deallocations.load(ordering: .relaxed) }
    public var outstandingBytes: Int { bytes.withLock { $0.values.reduce(0, +) } }

    public func allocate(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        let pointer = try MimallocAllocator().allocate(byteCount: byteCount, alignment: alignment)
        allocations.wrappingAdd(1, ordering: .relaxed)
        let key = UInt(bitPattern: pointer)
        bytes.withLock { $0[key] = byteCount }
        return pointer
    }

    public func reallocate(
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

    public func deallocate(_ pointer: UnsafeMutableRawPointer) {
        let key = UInt(bitPattern: pointer)
        bytes.withLock { table in
            require(table[key] != nil, "CountingAllocator: freeing a block it did not make")
            table[key] = nil
        }
        deallocations.wrappingAdd(1, ordering: .relaxed)
        MimallocAllocator().deallocate(pointer)
    }
}
