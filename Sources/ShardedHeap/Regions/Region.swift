/// An allocator that hands out memory by bumping a pointer through borrowed pages and frees all
/// of it at once when it closes.
///
/// ```swift
/// let total = withRegion { region in
///     let numbers = OffHeapArray<Int>(allocator: region)
///     for value in 0..<1000 { numbers.append(value) }
///     return numbers.filter { $0 % 3 == 0 }.map { $0 * 2 }.reduce(0, +)
/// }   // every block, the temporaries' included, is gone here
/// ```
///
/// ## How memory is laid out
/// Blocks are placed one after another in pages borrowed from a ``PagePool`` (4 KiB pages by
/// default). The region borrows pages in runs of adjacent pages. The first run is 1 page, or, when
/// the region that closed last on the same pool used more, as many pages as that region used (at
/// most ``maximumFirstRunPages``, 256 KiB by default), so that request after request of the same
/// size does not start small each time. Later runs double up to ``maximumRunPages`` (16 pages, 64
/// KiB by default), so a small region holds one page and a large one refills rarely. A region holds
/// at most about twice what it handed out plus one run, or its first run if that is more. When a
/// new run starts where the current one ends (as it does while the pool's pages come in address
/// order), the bump simply carries on across the seam and nothing is wasted at the end of the old
/// run. A block that does not fit a page (larger than a page, or more strictly aligned) and not the
/// rest of the current run gets a block of its own from the pool's allocator. ``close()`` returns
/// every page to its pool and frees every large block, in O(pages + large blocks) whatever the
/// number of allocations. ``deallocate(_:)`` does nothing: ``freesIndividually`` is false.
///
/// ## Lifetime
/// Use ``withRegion(pool:_:)`` where a scope describes the lifetime, and ``open(pool:)`` with
/// ``close()`` where none does. Closing twice is harmless; a region that is released while open
/// closes itself. Allocating from a closed region is a precondition failure. Every pointer the
/// region gave out, and every ``OffHeapArray`` that uses it, is invalid once it closes; debug
/// builds fill the freed pages with ``poisonByte`` so that such use shows.
///
/// ## Threads and tasks
/// A region belongs to one task at a time (it is not `Sendable`, like Java's
/// `Arena.ofConfined`); use ``SharedRegion`` to allocate from several tasks at once. A task may
/// still hop threads at every `await`, so the region picks its page source at each refill, from
/// the current thread: a region whose pool is a shard's pool takes pages from it, without a lock,
/// only on that shard's thread, and from ``PagePool/shared`` anywhere else. On close, each page
/// goes back to the pool it came from (see ``PagePool``).
public final class Region: Allocator {
    /// The byte that debug builds write over a region's memory when it closes.
    public static let poisonByte: UInt8 = 0xDE

    /// The most pages a region asks its pool for at one refill: 16 (64 KiB with 4 KiB pages), or
    /// a whole chunk when chunks are smaller.
    public static let maximumRunPages = 16

    /// The most pages a region's first run asks for, when the last region closed on its pool used
    /// that many: 64 (256 KiB with 4 KiB pages), or a whole chunk when chunks are smaller.
    public static let maximumFirstRunPages = 64

    /// The pool this region borrows pages from.
    public let pool: PagePool
    @usableFromInline let pageSize: UInt

    // The bump state. A closed region (and a new one) has `cursor == limit == 0`, so that every
    // request misses the fast path and reaches the checks in `allocateSlow`.
    //
    // `@exclusivity(unchecked)`: a region is confined to one task (it is not Sendable) and no
    // accessor of these three hands out an `inout` that could overlap another access, so the
    // dynamic exclusivity checks Swift would otherwise run on every bump (in the caller, since
    // `allocate` is inlinable) guard nothing.
    /// The next free byte of the current run of pages.
    @exclusivity(unchecked) @usableFromInline var cursor: UInt = 0
    /// The end of the current run of pages.
    @exclusivity(unchecked) @usableFromInline var limit: UInt = 0
    /// The start of the block last placed in the current run, or 0: the block that may grow in
    /// place.
    @exclusivity(unchecked) @usableFromInline var lastBlock: UInt = 0
    /// How many pages the next refill asks for: starts at the pool's suggestion (1 for a new
    /// pool) and doubles up to ``maximumRunPages``.
    @exclusivity(unchecked) var nextRunPages: Int

    // Unchecked for the same reason as the bump state: one task owns the region.
    @exclusivity(unchecked) var ledger: PageLedger

    /// Whether ``close()`` has run.
    @exclusivity(unchecked) public private(set) var isClosed = false
    /// Whether a ``RegionCursor`` holds the bump state now (inside ``withCursor(_:)``). The
    /// region's own `cursor` and `limit` are zero meanwhile, so direct requests reach
    /// `allocateSlow`, which traps.
    @exclusivity(unchecked) @usableFromInline var isLent = false

    init(pool: PagePool) {
        self.pool = pool
        self.pageSize = UInt(pool.pageSize)
        self.ledger = PageLedger(pool: pool)
        self.nextRunPages = pool.firstRunPages
    }

    /// Opens a region whose lifetime you manage: call ``close()`` when done (or let the last
    /// reference go, which closes it).
    ///
    /// - Parameter pool: Where pages come from. By default ``PagePool/current``: the calling
    ///   shard's own pool on a shard's thread, ``PagePool/shared`` elsewhere.
    /// - Returns: An open region. No page is borrowed until the first allocation.
    /// - Complexity: O(1).
    ///
    /// Any thread may call this; the region then belongs to the calling task.
    public static func open(pool: PagePool? = nil) -> Region {
        Region(pool: pool ?? PagePool.current)
    }

    deinit {
        close()
    }

    /// Returns every page to its pool and frees every large block. Calling it again does nothing.
    ///
    /// - Complexity: O(pages + large blocks), independent of the number of allocations.
    ///
    /// Call it from the task that owns the region, on any thread.
    public func close() {
        guard !isClosed else { return }
        checkNotLent("Region.close")
        isClosed = true
        if limit != 0 {
            // Pages of the current run past the cursor were never used.
            let usedPages = ledger.pageCount - Int((limit - cursor) / pageSize)
            pool.suggestFirstRun(afterUsing: usedPages, maximum: maximumFirstRunPages)
        }
        cursor = 0
        limit = 0
        lastBlock = 0
        ledger.releaseAll()
    }

    /// The number of pages the region holds now.
    public var pageCount: Int { ledger.pageCount }

    /// The number of large blocks (those that did not fit a page) the region holds now.
    public var largeBlockCount: Int { ledger.largeBlocks.count }

    /// Whether `freesIndividually`: never; memory goes when the region closes.
    public var freesIndividually: Bool { false }

    // MARK: Allocating

    /// Allocates `byteCount` uninitialised bytes aligned to `alignment`, by bumping a pointer.
    ///
    /// - Parameters:
    ///   - byteCount: The size in bytes; zero is valid and gives a distinct pointer.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    /// - Returns: The first byte, valid until the region closes.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)`` when a new page or large
    ///   block cannot be had.
    /// - Precondition: The region is open; `byteCount >= 0`; `alignment` is a power of two in
    ///   range. The messages name the bad value.
    /// - Complexity: O(1). No system allocation: a refill takes pages from the pool, which asks
    ///   its allocator for a chunk only when it has no free page.
    ///
    /// Call it from the task that owns the region.
    @inlinable
    public func allocate(byteCount: Int, alignment: Int = 16) throws(AllocationError) -> UnsafeMutableRawPointer {
        if let block = Region.bump(from: cursor, to: limit, byteCount: byteCount, alignment: alignment) {
            cursor = block.end
            lastBlock = block.start
            // Safe: `start` lies inside a page the region holds, so it is not zero.
            return UnsafeMutableRawPointer(bitPattern: block.start).unsafelyUnwrapped
        }
        return try allocateSlow(byteCount: byteCount, alignment: alignment)
    }

    /// The fast path that `allocate` and ``RegionCursor/allocate(byteCount:alignment:)`` share:
    /// where a block of `byteCount` bytes aligned to `alignment` starts and ends when it fits
    /// between `cursor` and `limit`, or nil when it does not, or when the request is not valid
    /// (the slow path then checks it and traps with a message).
    @inlinable
    @inline(__always)
    static func bump(from cursor: UInt, to limit: UInt, byteCount: Int, alignment: Int) -> (start: UInt, end: UInt)? {
        let mask = UInt(bitPattern: alignment &- 1)
        // A zero-byte request takes one byte, so that every pointer is distinct.
        let size = UInt(bitPattern: byteCount) | (byteCount == 0 ? 1 : 0)
        let start = (cursor &+ mask) & ~mask
        // A negative size is huge as a UInt and misses; so does a bad alignment. `_fastPath`
        // keeps the caller's refill call cold, so its state stays in registers around the loop.
        if _fastPath(
            mask < 65_536 && UInt(bitPattern: alignment) & mask == 0 && start <= limit && size <= limit &- start
        ) {
            return (start, start &+ size)
        }
        return nil
    }

    /// Checks the request, then borrows a page or makes a large block.
    @usableFromInline
    @inline(never)
    func allocateSlow(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "Region.allocate")
        checkOpen("Region.allocate")
        checkNotLent("Region.allocate")
        return try allocateUnchecked(byteCount: byteCount, alignment: alignment)
    }

    /// The body of `allocateSlow` once the request and the region's state are checked; also the
    /// refill of a ``RegionCursor``, which puts its bump state back into the region first.
    func allocateUnchecked(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        let size = UInt(Swift.max(byteCount, 1))
        let start = (cursor &+ UInt(alignment - 1)) & ~UInt(alignment - 1)
        if start <= limit && size <= limit &- start {
            // Reached only through a direct call; the fast path takes this case.
            cursor = start + size
            lastBlock = start
            return UnsafeMutableRawPointer(bitPattern: start).unsafelyUnwrapped
        }
        guard UInt(alignment) <= pageSize && size <= pageSize else {
            return try ledger.allocateLarge(byteCount: Int(size), alignment: alignment)
        }
        let (run, merged) = try ledger.takeRun(upTo: nextRunPages)
        let runStart = UInt(bitPattern: run.start)
        let runEnd = UInt(bitPattern: run.end(pageSize: Int(pageSize)))
        nextRunPages = Swift.min(nextRunPages &<< 1, maximumRunPages)
        if merged && runStart == limit {
            // The new run continues the current one: carry on across the seam. `start <= limit`
            // (runs are page-aligned and `alignment <= pageSize`), and `size <= pageSize`, which
            // the new run holds at least.
            cursor = start + size
            limit = runEnd
            lastBlock = start
            // Safe: `start` lies inside a run the region holds, so it is not zero.
            return UnsafeMutableRawPointer(bitPattern: start).unsafelyUnwrapped
        }
        // Runs are aligned to `pageSize`, hence to `alignment`.
        cursor = runStart + size
        limit = runEnd
        lastBlock = runStart
        return run.start
    }

    /// The most pages one refill asks for: ``maximumRunPages``, or a chunk's worth if less.
    private var maximumRunPages: Int { Swift.min(Region.maximumRunPages, pool.pagesPerChunk) }

    /// The most pages a first run asks for: ``maximumFirstRunPages``, or a chunk's worth if less.
    private var maximumFirstRunPages: Int { Swift.min(Region.maximumFirstRunPages, pool.pagesPerChunk) }

    @inline(__always)
    func checkOpen(_ caller: StaticString) {
        require(!isClosed, "\(caller): the region is closed; allocating from a closed region is not allowed")
    }

    @inline(__always)
    func checkNotLent(_ caller: StaticString) {
        require(
            !isLent,
            "\(caller): the region is lent to a RegionCursor; use the cursor until withCursor returns"
        )
    }

    /// Resizes a block of this region, keeping its first bytes.
    ///
    /// The block grows or shrinks in place when it is the last one placed in the current run
    /// and the run has room. A large block is resized by the pool's allocator. Any other block
    /// is copied into a new one; the copy takes at most the bytes up to the end of the old
    /// block's run (or the current run's used part), never more, so it never reads outside
    /// memory the region holds.
    ///
    /// - Parameters:
    ///   - pointer: A block this region allocated.
    ///   - byteCount: The new size in bytes.
    ///   - alignment: The block's alignment.
    /// - Returns: The block's address, `pointer` when it stayed in place.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)``; `pointer` is then
    ///   unchanged.
    /// - Precondition: The region is open; `pointer` came from it (checked when the block is
    ///   copied); the arguments are valid. The messages name the bad value.
    /// - Complexity: O(1) in place; O(`byteCount` + large blocks + runs) otherwise.
    ///
    /// Call it from the task that owns the region.
    public func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int = 16
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "Region.reallocate")
        checkOpen("Region.reallocate")
        checkNotLent("Region.reallocate")
        let start = UInt(bitPattern: pointer)
        let size = UInt(Swift.max(byteCount, 1))
        let available: UInt
        if start == lastBlock && start != 0 {
            if size <= limit - start {
                cursor = start + size
                return pointer
            }
            available = cursor - start
        } else if let index = ledger.largeBlockIndex(of: pointer) {
            return try ledger.reallocateLarge(at: index, byteCount: Int(size), alignment: alignment)
        } else {
            // Any other block may run on to the end of its run (a block may straddle the seam of
            // two merged runs), so the copy takes up to there, or up to the cursor in the current
            // run; never past memory the region holds.
            guard let runEnd = ledger.endOfRun(holding: pointer) else {
                require(false, "Region.reallocate: the pointer \(pointer) was not allocated by this region")
                return pointer
            }
            let end = UInt(bitPattern: runEnd)
            available = (end == limit ? cursor : end) - start
        }
        let moved = try allocate(byteCount: byteCount, alignment: alignment)
        // Safe: `available` bytes from `pointer` lie within one run the region holds, and the
        // new block is distinct and at least `byteCount` long.
        moved.copyMemory(from: pointer, byteCount: Int(Swift.min(available, UInt(byteCount))))
        return moved
    }

    /// Does nothing: a region frees its memory when it closes.
    ///
    /// Any thread may call this.
    public func deallocate(_ pointer: UnsafeMutableRawPointer) {}
}

/// A region belongs to one task at a time; ``SharedRegion`` is the one to share.
@available(*, unavailable)
extension Region: Sendable {}
