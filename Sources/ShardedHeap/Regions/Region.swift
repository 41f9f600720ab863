/// Memory handed out by bumping a pointer through borrowed pages, all of it freed at once when
/// the region's scope ends.
///
/// ```swift
/// let total = withRegion { region in
///     var numbers = RegionArray<Int>(in: region)
///     for value in 0..<1000 { numbers.append(value) }
///     return numbers.filter { $0 % 3 == 0 }.reduce(0, +)
/// }   // every block, the temporaries' included, is gone here
/// ```
///
/// ## Sound by construction
/// `Region` is a non-escapable value: it exists only inside ``withRegion(pool:_:)-4p77b`` (or while a
/// ``UniqueRegion`` lends it), and so does everything that depends on it, such as a
/// ``RegionArray``. Returning one from the scope, storing it outside, or capturing it in an
/// escaping closure or a new task does not compile, so no safe code can read a region's memory
/// after it was given back. Copies of a `Region` are handles to the same region.
///
/// A scoped region makes no system allocation: its state lives on the stack of the call (or in
/// a block recycled per thread, in the async form), and its pages come from a ``PagePool``. The
/// layout of the memory is described at ``PagePool``: runs of pages, the first as long as the
/// last region on the pool used, large blocks of their own, O(pages) to close.
///
/// ## Threads and tasks
/// A region belongs to one task (it is not `Sendable`); use ``SharedRegion`` to allocate from
/// several tasks at once. A task may hop threads at every `await`, so the region picks its page
/// source at each refill, from the current thread: a shard's pool lends pages without a lock only
/// on its shard's thread, and ``PagePool/shared`` serves anywhere else.
///
/// ## Raw pointers
/// ``allocate(byteCount:alignment:)`` returns an unsafe pointer, and the compiler does not tie a
/// raw pointer to the region: using it after the scope ends is the caller's error, which debug
/// builds make visible by filling closed regions with ``poisonByte``. The safe way to keep values
/// in a region is a ``RegionArray``.
public struct Region: ~Escapable {
    /// The byte that debug builds write over a region's memory when it closes.
    public static let poisonByte: UInt8 = 0xDE

    /// The most pages a region asks its pool for at one refill: 16 (64 KiB with 4 KiB pages), or
    /// a whole chunk when chunks are smaller.
    public static let maximumRunPages = 16

    /// The most pages a region's first run asks for, when the last region closed on its pool used
    /// that many: 64 (256 KiB with 4 KiB pages), or a whole chunk when chunks are smaller.
    public static let maximumFirstRunPages = 64

    @usableFromInline let state: UnsafeMutablePointer<RegionState>

    /// A region over `state`, valid while `state` is.
    @usableFromInline
    @_lifetime(borrow state)
    init(unsafeState state: UnsafeMutablePointer<RegionState>) {
        self.state = state
    }

    /// The pool this region borrows pages from.
    public var pool: PagePool { state.pointee.pool }

    /// The number of pages the region holds now.
    public var pageCount: Int { state.pointee.ledger.pageCount }

    /// The number of large blocks (those that did not fit a page) the region holds now.
    public var largeBlockCount: Int { state.pointee.ledger.largeBlocks.count }

    /// Allocates `byteCount` uninitialised bytes aligned to `alignment`, by bumping a pointer.
    ///
    /// - Parameters:
    ///   - byteCount: The size in bytes; zero is valid and gives a distinct pointer.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    /// - Returns: The first byte, valid until the region's scope ends.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)`` when a new page or large
    ///   block cannot be had.
    /// - Precondition: `byteCount >= 0`; `alignment` is a power of two in range; the region is not
    ///   lent to a cursor. The messages name the bad value.
    /// - Complexity: O(1). No system allocation: a refill takes pages from the pool, which asks
    ///   its allocator for a chunk only when it has no free page.
    ///
    /// Call it from the task that owns the region.
    @inlinable
    public func allocate(byteCount: Int, alignment: Int = 16) throws(AllocationError) -> UnsafeMutableRawPointer {
        // Safe: the state outlives every `Region` (the lifetime dependency), and only the task
        // that owns the region reaches it.
        try state.pointee.allocate(byteCount: byteCount, alignment: alignment)
    }

    /// Allocates uninitialised memory for `count` values of `type`, aligned for it.
    ///
    /// - Precondition: `count >= 0` and the byte count does not overflow.
    @inlinable
    public func allocate<T>(of type: T.Type, count: Int = 1) throws(AllocationError) -> UnsafeMutablePointer<T> {
        let (bytes, overflow) = MemoryLayout<T>.stride.multipliedReportingOverflow(by: count)
        require(
            !overflow && count >= 0,
            "Region.allocate(of:count:): count \(count) of \(T.self) is negative or too large"
        )
        return try allocate(byteCount: bytes, alignment: MemoryLayout<T>.alignment)
            .bindMemory(to: T.self, capacity: count)
    }

    /// Resizes a block of this region, keeping its first bytes.
    ///
    /// The block grows or shrinks in place when it is the last one placed (it ends where the next
    /// block would start) and the current run has room. A large block is resized by the pool's
    /// allocator. Any other block is copied into a new one; the copy takes the smaller of the old
    /// and new sizes, and never reads past the end of the old block's run (or the current run's
    /// used part), so it never reads outside memory the region holds.
    ///
    /// - Parameters:
    ///   - pointer: A block this region allocated.
    ///   - oldByteCount: The size it was allocated (or last resized) with.
    ///   - byteCount: The new size in bytes.
    ///   - alignment: The block's alignment.
    /// - Returns: The block's address, `pointer` when it stayed in place.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)``; `pointer` is then
    ///   unchanged.
    /// - Precondition: `pointer` came from this region (checked when the block is copied); the
    ///   arguments are valid; the region is not lent to a cursor. The messages name the bad value.
    /// - Complexity: O(1) in place; O(`byteCount` + large blocks + runs) otherwise.
    ///
    /// Call it from the task that owns the region.
    public func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        from oldByteCount: Int,
        to byteCount: Int,
        alignment: Int = 16
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        try state.pointee.reallocate(pointer, from: oldByteCount, to: byteCount, alignment: alignment)
    }
}

/// A region belongs to one task at a time; ``SharedRegion`` is the one to share.
@available(*, unavailable)
extension Region: Sendable {}
