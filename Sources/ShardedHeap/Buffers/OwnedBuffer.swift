/// A reference-counted buffer of raw bytes outside the Swift object heap, freed exactly once when
/// the last reference goes away, on whatever thread that happens.
///
/// Use it where you would otherwise call `malloc` and remember to `free`:
///
/// ```swift
/// let buffer = OwnedBuffer(byteCount: 1024)
/// buffer.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
/// // no free: the memory goes when `buffer` does
/// ```
///
/// On a shard's owner thread the memory comes from that shard's heap; elsewhere from the calling
/// thread's default mimalloc heap. For unique ownership without reference counting, use
/// ``UniqueBuffer``.
///
/// ## Sending and sharing
/// `OwnedBuffer` is `Sendable` in the way an unsafe buffer is: any number of tasks may hold it and
/// read it, and the last one to let go frees it. Writes (`withUnsafeMutableBytes`,
/// `mutableBytes`, `resize(to:)`) must not run concurrently with other reads or writes of the same
/// buffer; arranging that is the caller's business.
public final class OwnedBuffer {
    var block: Block
    /// The number of bytes in the buffer.
    public private(set) var count: Int
    /// The alignment of the first byte.
    public let alignment: Int

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
    public convenience init(byteCount: Int, alignment: Int = 16) {
        let block = Block.make(byteCount: byteCount, alignment: alignment, caller: "OwnedBuffer")
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
    public convenience init<A: Allocator & Sendable>(byteCount: Int, alignment: Int = 16, allocator: A) {
        let block = Block.make(byteCount: byteCount, alignment: alignment, allocator: allocator, caller: "OwnedBuffer")
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
    /// - Warning: The address is valid only while the buffer is alive and until the next
    ///   ``resize(to:)``.
    public var unsafeBaseAddress: UnsafeMutableRawPointer { block.pointer }

    /// The index of the shard whose heap the memory came from, or nil when it came from a default
    /// heap (the fallback).
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
    /// - Warning: The buffer pointer must not escape `body`, and no other task may use the buffer
    ///   meanwhile.
    public func withUnsafeMutableBytes<Result, Failure: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeMutableRawBufferPointer(start: block.pointer, count: count))
    }

    /// The bytes, for reading without unsafe pointers.
    public var bytes: RawSpan {
        @_lifetime(borrow self)
        get {
            // Safe: the memory stays allocated while `self` is alive and is not resized while the
            // span exists (resize is a documented exclusive operation).
            let span = RawSpan(_unsafeStart: block.pointer, byteCount: count)
            return _overrideLifetime(span, borrowing: self)
        }
    }

    /// The bytes, for writing without unsafe pointers.
    public var mutableBytes: MutableRawSpan {
        @_lifetime(borrow self)
        get {
            // Safe: as for `bytes`; the caller keeps writes exclusive (see the type's docs).
            let span = MutableRawSpan(_unsafeStart: block.pointer, byteCount: count)
            return _overrideLifetime(span, borrowing: self)
        }
    }

    /// Changes the size to `newCount` bytes, keeping the first `min(count, newCount)` bytes.
    ///
    /// Stays in place when the block's size class still fits; otherwise moves to a new block, on
    /// the calling shard's heap when called on a shard thread of the same heap.
    ///
    /// - Precondition: `newCount >= 0`. Running out of memory is a fatal error; the buffer is then
    ///   unchanged.
    /// - Complexity: O(`newCount`) when the block moves, O(1) otherwise.
    public func resize(to newCount: Int) {
        Block.checkRequest(byteCount: newCount, alignment: alignment, caller: "OwnedBuffer.resize(to:)")
        guard block.resize(from: count, to: newCount, alignment: alignment) else {
            Block.fail(Block.failure(byteCount: newCount, alignment: alignment, groupID: nil))
        }
        count = newCount
    }
}

// @unchecked: the buffer is freed once, in deinit, which Swift runs after the last reference is
// gone; `count` and `block` change only in `resize(to:)`, which the docs make exclusive.
extension OwnedBuffer: @unchecked Sendable {}
