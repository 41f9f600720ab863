/// A uniquely owned, growable buffer of bytes outside the Swift object heap, freed when it goes
/// out of scope.
///
/// Build a buffer with this type, then share it as an ``OwnedBuffer``
/// (`OwnedBuffer(consume unique)`, no copy). It is `~Copyable`: no reference counting and no class
/// allocation, so it is the cheapest way to own memory on a hot path. Pass it on with `consume`;
/// borrow it to read.
///
/// ```swift
/// var unique = UniqueBuffer(capacity: 256)
/// unique.append(header.bytes)                  // initialised bytes grow from the front
/// unique.append(repeating: 0, count: 16)
/// let shared = OwnedBuffer(consume unique)     // no copy: the block changes owner
/// ```
///
/// ## Initialised bytes
/// The buffer holds ``count`` initialised bytes at the start of a block of ``capacity`` bytes.
/// Every safe view (``bytes``, ``mutableBytes``, ``withUnsafeBytes(_:)``) covers the initialised
/// bytes only, so no safe read ever sees memory nobody wrote. Bytes become initialised by
/// ``append(_:)``, ``append(repeating:count:)``, ``append(maximumByteCount:initializingWith:)`` (an
/// `OutputRawSpan` over the free capacity), ``resize(to:)`` (which zero-fills growth), or the
/// zeroing and copying initialisers. Hot code that fills memory itself allocates with
/// ``init(capacity:alignment:)`` and writes through
/// ``withUnsafeUninitializedCapacity(_:)``, declaring how many bytes it initialised.
///
/// ## Where the memory comes from
/// On a shard's owner thread the memory comes from that shard's heap; anywhere else from the
/// calling thread's default mimalloc heap (counted in ``ShardGroup/shared``'s fallback bucket).
/// It may be freed on any thread.
///
/// ## Threads
/// It is `Sendable`: sending it moves the only owner. Its methods run on whatever thread the
/// owner runs on.
@frozen
public struct UniqueBuffer: ~Copyable {
    @usableFromInline var block: Block
    @usableFromInline var initializedCount: Int

    @inlinable
    @inline(__always)
    init(block: Block, count: Int) {
        self.block = block
        self.initializedCount = count
    }

    /// The number of initialised bytes, from the start of the buffer.
    public internal(set) var count: Int {
        @inlinable get { initializedCount }
        set { initializedCount = newValue }
    }

    /// The alignment of the first byte.
    public var alignment: Int { block.alignment }

    /// Allocates room for at least `capacity` bytes, none of them initialised yet (``count`` is
    /// 0).
    ///
    /// - Parameters:
    ///   - capacity: The bytes to make room for; zero is valid.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    /// - Precondition: `capacity >= 0` and `alignment` is a power of two in range. Running out of
    ///   memory is a fatal error; the message names the size.
    /// - Complexity: O(1).
    ///
    /// Any thread may call this.
    @inlinable
    public init(capacity: Int, alignment: Int = 16) {
        self.init(block: Block.make(byteCount: capacity, alignment: alignment, caller: "UniqueBuffer"), count: 0)
    }

    /// Allocates `byteCount` bytes set to zero (``count`` is `byteCount`).
    ///
    /// - Parameters:
    ///   - byteCount: The size in bytes; zero is valid.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    /// - Precondition: `byteCount >= 0` and `alignment` is a power of two in range. Running out of
    ///   memory is a fatal error.
    /// - Complexity: O(`byteCount`).
    ///
    /// Any thread may call this.
    public init(byteCount: Int, alignment: Int = 16) {
        self.init(block: Block.make(byteCount: byteCount, alignment: alignment, caller: "UniqueBuffer"), count: 0)
        zeroFill(to: byteCount)
    }

    /// Allocates a buffer holding a copy of `bytes`.
    ///
    /// - Parameters:
    ///   - bytes: The bytes to copy.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    /// - Complexity: O(`bytes.byteCount`).
    ///
    /// Any thread may call this.
    public init(copying bytes: RawSpan, alignment: Int = 16) {
        self.init(capacity: bytes.byteCount, alignment: alignment)
        append(bytes)
    }

    /// Allocates room for `capacity` bytes and lets `body` initialise a prefix of them through an
    /// `OutputRawSpan`; the buffer's ``count`` is what `body` appended.
    ///
    /// ```swift
    /// let buffer = UniqueBuffer(capacity: 64) { output in
    ///     for byte in 0..<16 { output.append(UInt8(byte)) }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - capacity: The most bytes `body` may append.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    ///   - body: Appends bytes to the output span.
    /// - Throws: Whatever `body` throws; the memory is freed then.
    /// - Complexity: O(1) plus `body`.
    ///
    /// Any thread may call this.
    public init<Failure: Error>(
        capacity: Int,
        alignment: Int = 16,
        initializingWith body: (inout OutputRawSpan) throws(Failure) -> Void
    ) throws(Failure) {
        self.init(capacity: capacity, alignment: alignment)
        try append(maximumByteCount: capacity, initializingWith: body)
    }

    /// Allocates room for at least `capacity` bytes from `allocator`, which the buffer then frees
    /// through; none of the bytes is initialised yet.
    ///
    /// A ``ShardAllocator`` takes the same path as its `make…Buffer` methods. Any other allocator
    /// is kept alive by the buffer until it frees the memory with `allocator.deallocate`. Regions
    /// free only all at once, so they are not allocators and cannot be passed here.
    ///
    /// - Parameters:
    ///   - capacity: The bytes to make room for; zero is valid.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    ///   - allocator: An allocator that frees blocks one by one.
    /// - Precondition: `capacity >= 0`; `alignment` is a power of two in range. Running out of
    ///   memory is a fatal error.
    ///
    /// Any thread may call this.
    public init<A: Allocator & Sendable>(capacity: Int, alignment: Int = 16, allocator: A) {
        let block = Block.make(byteCount: capacity, alignment: alignment, allocator: allocator, caller: "UniqueBuffer")
        self.init(block: block, count: 0)
    }

    /// Allocates `byteCount` zeroed bytes from `allocator`, which the buffer then frees through.
    ///
    /// - Precondition: As for ``init(capacity:alignment:allocator:)``.
    ///
    /// Any thread may call this.
    public init<A: Allocator & Sendable>(byteCount: Int, alignment: Int = 16, allocator: A) {
        self.init(capacity: byteCount, alignment: alignment, allocator: allocator)
        zeroFill(to: byteCount)
    }

    @inlinable
    deinit {
        block.free()
    }

    /// Hands the block to a new owner without freeing it.
    @inlinable
    consuming func takeBlock() -> (block: Block, count: Int) {
        let taken = (block, count)
        discard self
        return taken
    }

    /// The bytes the block holds (its usable size): at least the capacity asked for, and the
    /// figure the group's counters record for this buffer. For a buffer from another allocator,
    /// the size last requested.
    public var capacity: Int { block.usableSize }

    /// Whether no byte is initialised.
    public var isEmpty: Bool { count == 0 }

    /// The index of the shard whose heap the memory came from, or nil when it came from a default
    /// heap (the fallback) or another allocator.
    public var shardIndex: Int? { block.shardIndex }

    /// The address of the first byte.
    /// - Warning: Valid only while the buffer is alive and until it next grows.
    public var unsafeBaseAddress: UnsafeMutableRawPointer { block.pointer }
}

// @unchecked: the buffer is uniquely owned (~Copyable), so sending it moves the only reference;
// the memory may be freed on any thread.
extension UniqueBuffer: @unchecked Sendable {}
