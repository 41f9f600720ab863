/// A uniquely owned buffer of raw bytes outside the Swift object heap, freed when it goes out of
/// scope.
///
/// The `~Copyable` twin of ``OwnedBuffer``: no reference counting, no class allocation, so it is
/// the cheapest way to own memory on a hot path. Pass it on with `consume`; borrow it to read.
///
/// ```swift
/// await withShardedAllocation { alloc in
///     var scratch = alloc.makeUniqueBuffer(byteCount: 256)
///     scratch.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 1) }
/// }   // freed here
/// ```
///
/// It may be sent to another task (it is `Sendable`) and freed there.
public struct UniqueBuffer: ~Copyable {
    var block: Block
    /// The number of bytes in the buffer.
    public private(set) var count: Int
    /// The alignment of the first byte.
    public let alignment: Int

    @inline(__always)
    init(block: Block, count: Int, alignment: Int) {
        self.block = block
        self.count = count
        self.alignment = alignment
    }

    /// Allocates `byteCount` bytes (uninitialised).
    ///
    /// On a shard's owner thread the memory comes from that shard's heap; anywhere else from the
    /// calling thread's default mimalloc heap (counted in ``ShardGroup/shared``'s fallback bucket).
    ///
    /// - Parameters:
    ///   - byteCount: The size in bytes; zero is valid.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    /// - Precondition: `byteCount >= 0` and `alignment` is a power of two in range. Running out of
    ///   memory is a fatal error.
    /// - Complexity: O(1).
    ///
    /// Any thread may call this.
    public init(byteCount: Int, alignment: Int = 16) {
        let block = Block.make(byteCount: byteCount, alignment: alignment, caller: "UniqueBuffer")
        self.init(block: block, count: byteCount, alignment: alignment)
    }

    /// Allocates `byteCount` bytes from `allocator`, which the buffer then frees through.
    ///
    /// A ``ShardAllocator`` takes the same path as its `make…Buffer` methods. Any other allocator
    /// is kept alive by the buffer until it frees the memory with `allocator.deallocate`.
    ///
    /// - Parameters:
    ///   - byteCount: The size in bytes; zero is valid.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    ///   - allocator: An allocator that frees blocks individually.
    /// - Precondition: `allocator.freesIndividually` (a region frees everything at once, so a
    ///   buffer cannot own memory in it); `byteCount >= 0`; `alignment` is a power of two in
    ///   range. Running out of memory is a fatal error.
    ///
    /// Any thread may call this.
    public init<A: Allocator & Sendable>(byteCount: Int, alignment: Int = 16, allocator: A) {
        let block = Block.make(byteCount: byteCount, alignment: alignment, allocator: allocator, caller: "UniqueBuffer")
        self.init(block: block, count: byteCount, alignment: alignment)
    }

    deinit {
        block.free()
    }

    /// The usable size of the underlying block (`mi_usable_size`): at least ``count``, and the
    /// figure the heap's counters record for this buffer. For a buffer from another allocator
    /// (``init(byteCount:alignment:allocator:)``), the size last requested.
    public var capacity: Int { block.usableSize }

    /// The address of the first byte.
    /// - Warning: Valid only while the buffer is alive and until the next ``resize(to:)``.
    public var unsafeBaseAddress: UnsafeMutableRawPointer { block.pointer }

    /// The index of the shard whose heap the memory came from, or nil for the fallback.
    public var shardIndex: Int? {
        guard let slot = block.slot, !slot.isFallback else { return nil }
        return slot.index
    }

    /// Calls `body` with the bytes for reading.
    /// - Warning: The buffer pointer must not escape `body`.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: block.pointer, count: count))
    }

    /// Calls `body` with the bytes for writing.
    /// - Warning: The buffer pointer must not escape `body`.
    public mutating func withUnsafeMutableBytes<Result, Failure: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeMutableRawBufferPointer(start: block.pointer, count: count))
    }

    /// The bytes, for reading without unsafe pointers.
    public var bytes: RawSpan {
        @_lifetime(borrow self)
        borrowing get {
            // Safe: the memory lives as long as `self`, which the span borrows.
            let span = RawSpan(_unsafeStart: block.pointer, byteCount: count)
            return _overrideLifetime(span, borrowing: self)
        }
    }

    /// The bytes, for writing without unsafe pointers.
    public var mutableBytes: MutableRawSpan {
        @_lifetime(&self)
        mutating get {
            // Safe: the span holds exclusive access to `self` for its whole life.
            let span = MutableRawSpan(_unsafeStart: block.pointer, byteCount: count)
            return _overrideLifetime(span, mutating: &self)
        }
    }

    /// Changes the size to `newCount` bytes, keeping the first `min(count, newCount)` bytes.
    ///
    /// - Precondition: `newCount >= 0`. Running out of memory is a fatal error.
    /// - Complexity: O(`newCount`) when the block moves, O(1) otherwise.
    public mutating func resize(to newCount: Int) {
        Block.checkRequest(byteCount: newCount, alignment: alignment, caller: "UniqueBuffer.resize(to:)")
        guard block.resize(from: count, to: newCount, alignment: alignment) else {
            Block.fail(Block.failure(byteCount: newCount, alignment: alignment, groupID: nil))
        }
        count = newCount
    }
}

// @unchecked: the buffer is uniquely owned (~Copyable), so sending it moves the only reference;
// the memory may be freed on any thread.
extension UniqueBuffer: @unchecked Sendable {}
