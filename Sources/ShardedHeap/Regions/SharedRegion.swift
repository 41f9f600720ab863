import Synchronization

/// A region that many tasks may allocate from at once, freed all at once when it closes.
///
/// ```swift
/// await withSharedRegion { region in
///     await withTaskGroup(of: Void.self) { group in
///         for _ in 0..<8 {
///             group.addTask { _ = try? region.allocate(byteCount: 64, alignment: 8) }
///         }
///     }
/// }   // everything is freed here, after the children have finished
/// ```
///
/// It works like ``Region`` (pages from a ``PagePool``, large blocks of their own, O(pages)
/// close, no freeing of single blocks), with an atomic bump pointer instead of a plain one.
/// Each block is preceded by an 8-byte header holding its size, so that ``reallocate(_:byteCount:alignment:)``
/// copies exactly the old block and never reads a neighbour that another task may be writing.
///
/// ## How tasks share it
/// The bump pointer is one atomic word: the address of the next free byte in the current page.
/// Every page is aligned to its size, so the page (and its end) follows from that address; the
/// pointer never rests exactly on the page end. A block is claimed with a compare-and-exchange
/// of the word. Taking a new page, making a large block and closing hold a lock, and the page
/// rules of ``Region`` apply at each refill (a shard's pool is used only on its own thread).
///
/// ## Lifetime
/// ``close()`` must happen after every allocation and every use of the memory: that is what
/// ``withSharedRegion(pool:isolation:_:)`` gives you when the tasks are its structured children.
/// Allocating from a closed region is a precondition failure.
///
/// All members may be called from any thread.
public final class SharedRegion {
    /// The pool this region borrows pages from.
    public let pool: PagePool
    let pageSize: UInt
    /// The bytes before each block that hold its size.
    static let headerSize: UInt = 8

    /// The next free byte of the current page (see the type's docs). `exhausted` before the first
    /// page and after closing.
    private let cursor: Atomic<UInt>
    /// A value of `cursor` in which nothing fits: "page" 0, one byte before its end.
    private let exhausted: UInt

    private let state: PThreadLock<State>

    struct State: ~Copyable {
        var ledger: PageLedger
        var isClosed = false
    }

    init(pool: PagePool) {
        self.pool = pool
        self.pageSize = UInt(pool.pageSize)
        self.exhausted = UInt(pool.pageSize) - 1
        self.cursor = Atomic(UInt(pool.pageSize) - 1)
        self.state = PThreadLock(State(ledger: PageLedger(pool: pool)))
    }

    /// Opens a shared region whose lifetime you manage: call ``close()`` once no task uses it any
    /// more (or let the last reference go, which closes it).
    ///
    /// - Parameter pool: Where pages come from; by default ``PagePool/current``.
    /// - Returns: An open region. No page is borrowed until the first allocation.
    /// - Complexity: O(1).
    ///
    /// Any thread may call this.
    public static func open(pool: PagePool? = nil) -> SharedRegion {
        SharedRegion(pool: pool ?? PagePool.current)
    }

    deinit {
        close()
    }

    /// Returns every page to its pool and frees every large block. Calling it again does nothing.
    ///
    /// - Complexity: O(pages + large blocks).
    /// - Precondition: No other task allocates from the region or uses its memory meanwhile or
    ///   afterwards.
    ///
    /// Any thread may call this.
    public func close() {
        state.withLock { state in
            guard !state.isClosed else { return }
            state.isClosed = true
            // Relaxed: closing must already happen after every allocation (see the type's docs),
            // so this store publishes nothing; it only makes later requests miss the fast path.
            cursor.store(exhausted, ordering: .relaxed)
            state.ledger.releaseAll()
        }
    }

    /// Whether ``close()`` has run.
    public var isClosed: Bool { state.withLock { $0.isClosed } }

    /// The number of pages the region holds now.
    public var pageCount: Int { state.withLock { $0.ledger.pageCount } }

    /// The number of large blocks the region holds now.
    public var largeBlockCount: Int { state.withLock { $0.ledger.largeBlocks.count } }

    // MARK: Allocating

    /// Where a block of `size` bytes with alignment mask `mask` (at least 7) goes if the
    /// bump pointer is at `current`, or nil when it does not fit the current page.
    @inline(__always)
    private func place(at current: UInt, size: UInt, mask: UInt) -> UInt? {
        let pageEnd = (current & ~(pageSize &- 1)) &+ pageSize
        let start = (current &+ SharedRegion.headerSize &+ mask) & ~mask
        // Strictly less: the pointer never rests on the page end.
        guard start < pageEnd, size < pageEnd &- start else { return nil }
        return start
    }

    /// Claims `size` bytes in the current page, or returns nil when they do not fit.
    @inline(__always)
    private func bump(size: UInt, mask: UInt) -> UnsafeMutableRawPointer? {
        // Acquiring: the page the value points into was published by a refill's releasing store
        // (after its taking from the pool, and after a previous owner's debug poisoning), and we
        // are about to write into it.
        var current = cursor.load(ordering: .acquiring)
        while let start = place(at: current, size: size, mask: mask) {
            // Success, acquiring: as for the load (the claimed bytes lie in that same page).
            // Failure, acquiring: the new value may point into a page just published by a refill.
            let (exchanged, original) = cursor.compareExchange(
                expected: current,
                desired: start &+ size,
                successOrdering: .acquiring,
                failureOrdering: .acquiring
            )
            if exchanged {
                // Safe: `start - 8 ..< start + size` lies in the range just claimed.
                let block = UnsafeMutableRawPointer(bitPattern: start).unsafelyUnwrapped
                block.storeBytes(of: size, toByteOffset: -Int(SharedRegion.headerSize), as: UInt.self)
                return block
            }
            current = original
        }
        return nil
    }

    /// Allocates `byteCount` uninitialised bytes aligned to `alignment`, with a compare-and-exchange
    /// of the shared bump pointer.
    ///
    /// - Parameters:
    ///   - byteCount: The size in bytes; zero is valid and gives a distinct pointer.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default (at least 8 is used).
    /// - Returns: The first byte, valid until the region closes.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)`` when a new page or large
    ///   block cannot be had.
    /// - Precondition: The region is open; `byteCount >= 0`; `alignment` is a power of two in
    ///   range.
    /// - Complexity: O(1) expected; lock-free until the current page is full.
    ///
    /// Any thread may call this.
    public func allocate(byteCount: Int, alignment: Int = 16) throws(AllocationError) -> UnsafeMutableRawPointer {
        let alignmentMask = UInt(bitPattern: alignment &- 1)
        if alignmentMask < 65_536 && UInt(bitPattern: alignment) & alignmentMask == 0 {
            let size = UInt(bitPattern: byteCount) | (byteCount == 0 ? 1 : 0)
            if let block = bump(size: size, mask: alignmentMask | 7) { return block }
        }
        return try allocateSlow(byteCount: byteCount, alignment: alignment)
    }

    @inline(never)
    private func allocateSlow(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "SharedRegion.allocate")
        let size = UInt(Swift.max(byteCount, 1))
        let padded = UInt(Swift.max(alignment, Int(SharedRegion.headerSize)))
        // In a fresh page the block starts `padded` bytes in, and must end before the page end.
        let fitsPage = padded < pageSize && size < pageSize - padded
        let address = try state.withLock { (state) throws(AllocationError) -> UInt in
            require(
                !state.isClosed,
                "SharedRegion.allocate: the region is closed; allocating from a closed region is not allowed"
            )
            guard fitsPage else {
                return UInt(bitPattern: try state.ledger.allocateLarge(byteCount: Int(size), alignment: alignment))
            }
            while true {
                // Another task may have refilled while we waited for the lock.
                if let block = bump(size: size, mask: padded - 1) { return UInt(bitPattern: block) }
                let page = try state.ledger.takePage()
                // Releasing: publishes the page (taken from its pool, and poisoned by its previous
                // region in debug builds) to tasks that load the pointer acquiring. A plain store
                // is enough: an allocation racing with it either claimed its bytes in the old page
                // before (the old page stays held) or fails its exchange and retries here.
                cursor.store(UInt(bitPattern: page), ordering: .releasing)
            }
        }
        // Safe: the address came from a page or a large block, so it is not zero.
        return UnsafeMutableRawPointer(bitPattern: address).unsafelyUnwrapped
    }

    /// Resizes a block of this region, keeping its first bytes.
    ///
    /// The block grows or shrinks in place when it is still the last one claimed in the current
    /// page and the page has room (a compare-and-exchange of the bump pointer). A large block is
    /// resized by the pool's allocator. Otherwise the block is copied into a new one; the copy
    /// reads exactly the old block, whose size is in its header.
    ///
    /// - Parameters:
    ///   - pointer: A block this region allocated.
    ///   - byteCount: The new size in bytes.
    ///   - alignment: The block's alignment.
    /// - Returns: The block's address, `pointer` when it stayed in place.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)``; `pointer` is then unchanged.
    /// - Precondition: The region is open; `pointer` came from it; no other task uses the block
    ///   meanwhile.
    /// - Complexity: O(large blocks) plus O(`byteCount`) when the block moves.
    ///
    /// Any thread may call this.
    public func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int = 16
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "SharedRegion.reallocate")
        let size = UInt(Swift.max(byteCount, 1))
        let large = try state.withLock { (state) throws(AllocationError) -> UInt in
            require(
                !state.isClosed,
                "SharedRegion.reallocate: the region is closed; allocating from a closed region is not allowed"
            )
            guard let index = state.ledger.largeBlockIndex(of: pointer) else { return 0 }
            return UInt(
                bitPattern: try state.ledger.reallocateLarge(at: index, byteCount: Int(size), alignment: alignment)
            )
        }
        if large != 0 {
            // Safe: the address came from the allocator, so it is not zero.
            return UnsafeMutableRawPointer(bitPattern: large).unsafelyUnwrapped
        }
        let start = UInt(bitPattern: pointer)
        // Safe: every block in a page is preceded by its header (see `bump`).
        let oldSize = pointer.load(fromByteOffset: -Int(SharedRegion.headerSize), as: UInt.self)
        let pageEnd = (start & ~(pageSize &- 1)) &+ pageSize
        if size < pageEnd &- start {
            // Relaxed both ways: success only moves the end of a block we already own within a
            // page we already hold, so nothing is published or received; on failure we copy.
            let (exchanged, _) = cursor.compareExchange(
                expected: start &+ oldSize,
                desired: start &+ size,
                successOrdering: .relaxed,
                failureOrdering: .relaxed
            )
            if exchanged {
                // Safe: the header belongs to the block, which the caller owns.
                pointer.storeBytes(of: size, toByteOffset: -Int(SharedRegion.headerSize), as: UInt.self)
                return pointer
            }
        }
        let moved = try allocate(byteCount: byteCount, alignment: alignment)
        // Safe: the old block is `oldSize` bytes long, the new one at least `byteCount`; distinct.
        moved.copyMemory(from: pointer, byteCount: Int(Swift.min(oldSize, UInt(byteCount))))
        return moved
    }

}

// @unchecked: the bump pointer is atomic (orderings explained at each use), and the ledger and
// closed flag are guarded by `state`'s lock; the rest is immutable.
extension SharedRegion: @unchecked Sendable {}
