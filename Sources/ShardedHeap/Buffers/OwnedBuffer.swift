/// A shared, reference-counted buffer of bytes outside the Swift object heap, fixed once made,
/// and freed exactly once when the last reference goes away, on whatever thread that happens.
///
/// Build the bytes in a ``UniqueBuffer``, then share them:
///
/// ```swift
/// var unique = alloc.makeUniqueBuffer(capacity: 1024)
/// unique.append(payload.bytes)
/// let shared = OwnedBuffer(consume unique)   // takes over the block: no copy, no allocation
/// await send(shared)                         // any number of tasks may hold and read it
/// ```
///
/// ## What the type promises
/// The size and the address never change, and the safe surface only reads (``bytes``,
/// ``withUnsafeBytes(_:)``), so any number of tasks may read one buffer at once: it is
/// `Sendable`. Writing through a shared buffer is possible only with
/// ``withUnsafeMutableBytes(_:)``, whose name says that the caller must keep every other access
/// away meanwhile.
///
/// On a shard's owner thread new memory comes from that shard's heap; elsewhere from the calling
/// thread's default mimalloc heap.
public final class OwnedBuffer {
    @usableFromInline let block: Block
    /// The number of bytes in the buffer, all initialised.
    public let count: Int

    @inlinable
    init(block: Block, count: Int) {
        self.block = block
        self.count = count
    }

    /// The alignment of the first byte.
    public var alignment: Int { block.alignment }

    /// Takes over the block of `buffer`, with no copy of the bytes and no new allocation. The new
    /// buffer holds the unique buffer's initialised bytes (its ``UniqueBuffer/count``).
    ///
    /// - Complexity: O(1): one object for the reference count.
    ///
    /// Any thread may call this.
    @inlinable
    public convenience init(_ buffer: consuming UniqueBuffer) {
        let (block, count) = buffer.takeBlock()
        self.init(block: block, count: count)
    }

    /// Allocates `byteCount` bytes set to zero.
    ///
    /// - Parameters:
    ///   - byteCount: The size in bytes; zero is valid.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    /// - Precondition: `byteCount >= 0` and `alignment` is a power of two in range. Running out of
    ///   memory is a fatal error.
    /// - Complexity: O(`byteCount`).
    ///
    /// Any thread may call this.
    public convenience init(byteCount: Int, alignment: Int = 16) {
        let block = Block.make(byteCount: byteCount, alignment: alignment, caller: "OwnedBuffer")
        // Safe: the block holds at least `byteCount` bytes, none shared yet.
        block.pointer.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        self.init(block: block, count: byteCount)
    }

    /// Allocates a buffer holding a copy of `bytes`.
    ///
    /// - Complexity: O(`bytes.byteCount`).
    ///
    /// Any thread may call this.
    public convenience init(copying bytes: RawSpan, alignment: Int = 16) {
        self.init(UniqueBuffer(copying: bytes, alignment: alignment))
    }

    /// Allocates `byteCount` zeroed bytes from `allocator`, which the buffer then frees through.
    ///
    /// A ``ShardAllocator`` takes the same path as its `make…Buffer` methods. Any other allocator
    /// is kept alive by the buffer until it frees the memory with `allocator.deallocate`. Regions
    /// free only all at once, so they are not allocators and cannot be passed here.
    ///
    /// - Precondition: `byteCount >= 0`; `alignment` is a power of two in range. Running out of
    ///   memory is a fatal error.
    ///
    /// Any thread may call this.
    public convenience init<A: Allocator & Sendable>(byteCount: Int, alignment: Int = 16, allocator: A) {
        self.init(UniqueBuffer(byteCount: byteCount, alignment: alignment, allocator: allocator))
    }

    deinit {
        block.free()
    }

    /// The bytes the block holds (its usable size): at least ``count``, and the figure the group's
    /// counters record for this buffer. For a buffer from another allocator, the size requested.
    public var capacity: Int { block.usableSize }

    /// The address of the first byte, valid while the buffer is alive.
    public var unsafeBaseAddress: UnsafeMutableRawPointer { block.pointer }

    /// The index of the shard whose heap the memory came from, or nil when it came from a default
    /// heap (the fallback) or another allocator.
    public var shardIndex: Int? { block.shardIndex }

    /// The bytes, for reading. The span keeps the buffer alive while it is in use.
    public var bytes: RawSpan {
        @_lifetime(borrow self)
        get {
            // Safe: the block is allocated while `self` is alive, its `count` bytes are
            // initialised, and nothing resizes or frees it before the last reference goes.
            let span = RawSpan(_unsafeStart: block.pointer, byteCount: count)
            return _overrideLifetime(span, borrowing: self)
        }
    }

    /// Calls `body` with the bytes for reading.
    /// - Warning: The buffer pointer must not escape `body`.
    public func withUnsafeBytes<Result: ~Copyable, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: block.pointer, count: count))
    }

    /// Calls `body` with the bytes for writing.
    ///
    /// - Warning: A shared buffer may be read by other tasks at any moment. The caller guarantees
    ///   that no other access to this buffer (a read, a span, another write) happens while `body`
    ///   runs, and that the pointer does not escape `body`. Prefer filling a ``UniqueBuffer`` and
    ///   sharing it afterwards.
    public func withUnsafeMutableBytes<Result: ~Copyable, Failure: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeMutableRawBufferPointer(start: block.pointer, count: count))
    }
}

// @unchecked: every stored property is a constant, the block is freed once, in deinit, after
// the last reference is gone, and the safe API only reads the bytes; writing needs the unsafe
// `withUnsafeMutableBytes`, whose caller keeps other accesses away.
extension OwnedBuffer: @unchecked Sendable {}
