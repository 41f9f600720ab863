import ShardedHeap

/// An allocator that hands out blocks one after another from a single slab, so that consecutive
/// chunks touch (the case where a region's ledger merges pages of two chunks into one run), and
/// so that two runs of the same requests get the same offsets from the slab's start. Records
/// which blocks are given back; never reuses memory.
public final class SlabAllocator: Allocator, Sendable {
    public let chunkSize: Int
    public let chunkCount: Int
    // Immutable after init; the slab is freed in deinit.
    public nonisolated(unsafe) let slab: UnsafeMutableRawPointer
    private let state = PThreadLock<(next: Int, given: Set<Int>, freed: Set<Int>)>((0, [], []))

    /// A slab of `chunkCount` chunks of `chunkSize` bytes, 4 KiB-aligned.
    public init(chunkSize: Int, chunkCount: Int) {
        self.chunkSize = chunkSize
        self.chunkCount = chunkCount
        slab = .allocate(byteCount: chunkSize * chunkCount, alignment: 4096)
    }

    deinit { slab.deallocate() }

    /// The chunks (by index in the slab) given back so far, when only chunks were asked for.
    public var freedChunks: Set<Int> { state.withLock { Set($0.freed.map { $0 / chunkSize }) } }

    /// The chunk (index in the slab) that holds `pointer`.
    public func chunkIndex(of pointer: UnsafeMutableRawPointer) -> Int { (pointer - slab) / chunkSize }

    public func allocate(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        require(alignment <= 4096, "SlabAllocator: alignment \(alignment) above 4096")
        let offset = state.withLock { state -> Int? in
            let start = (state.next + alignment - 1) & ~(alignment - 1)
            guard start + byteCount <= chunkSize * chunkCount else { return nil }
            state.next = start + Swift.max(byteCount, 1)
            state.given.insert(start)
            return start
        }
        guard let offset else { throw .outOfMemory(requested: byteCount, alignment: alignment) }
        return slab + offset
    }

    public func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        fatalError("SlabAllocator: chunks are never resized")
    }

    public func deallocate(_ pointer: UnsafeMutableRawPointer) {
        let offset = pointer - slab
        state.withLock { state in
            require(state.given.contains(offset), "SlabAllocator: \(pointer) was not given out")
            let inserted = state.freed.insert(offset).inserted
            require(inserted, "SlabAllocator: \(pointer) freed twice")
        }
    }
}
