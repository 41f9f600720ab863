/// The bump state and page ledger of one region: what ``Region`` values point at.
///
/// A scoped region (``withRegion(pool:_:)``) keeps its state on the stack of the call, or, in the
/// async form, in a block recycled from a per-thread cache, so a scope makes no system allocation
/// once pages are in its pool. A ``UniqueRegion`` keeps it in memory of its own.
///
/// ## Layout of the memory
/// Blocks are placed one after another in pages borrowed from a ``PagePool`` (4 KiB pages by
/// default), in runs of adjacent pages. The first run is 1 page, or, when the region that closed
/// last on the same pool used more, as many pages as that region used (at most
/// ``Region/maximumFirstRunPages``), so that request after request of the same size does not start
/// small each time. Later runs double up to ``Region/maximumRunPages``. When a new run starts
/// where the current one ends, the bump carries on across the seam. A block that fits no page
/// (larger than a page, or more strictly aligned) gets a block of its own from the pool's
/// allocator. Closing returns every page to its pool and frees every large block, in
/// O(pages + large blocks) whatever the number of allocations.
///
/// Whoever holds a state closes it (`close()`) before dropping it: otherwise its pages never go
/// back to the pool.
///
/// Not thread-safe and not `Sendable`: the region that points at it is confined to one task,
/// which may hop threads; the ledger picks the page source at each refill from the current
/// thread.
@usableFromInline
struct RegionState: ~Copyable {
    /// The pool this region borrows pages from.
    @usableFromInline let pool: PagePool
    @usableFromInline let pageSize: UInt

    // The bump state. A closed region (and a new one) has `cursor == limit == 0`, so that every
    // request misses the fast path and reaches the checks in `allocateSlow`.
    /// The next free byte of the current run of pages.
    @usableFromInline var cursor: UInt = 0
    /// The end of the current run of pages.
    @usableFromInline var limit: UInt = 0
    /// The start of the block last placed in the current run, or 0: the block that may grow in
    /// place.
    @usableFromInline var lastBlock: UInt = 0
    /// How many pages the next refill asks for: starts at the pool's suggestion (1 for a new
    /// pool) and doubles up to `Region.maximumRunPages`.
    var nextRunPages: Int
    var ledger: PageLedger
    /// Whether `close()` has run.
    var isClosed = false
    /// Whether a ``RegionCursor`` holds the bump state now (inside `withCursor`). `cursor` and
    /// `limit` are zero meanwhile, so direct requests reach `allocateSlow`, which traps.
    @usableFromInline var isLent = false

    @usableFromInline
    init(pool: PagePool) {
        self.pool = pool
        self.pageSize = UInt(pool.pageSize)
        self.ledger = PageLedger(pool: pool)
        self.nextRunPages = pool.firstRunPages
    }

    /// Returns every page to its pool and frees every large block. Calling it again does nothing.
    @usableFromInline
    mutating func close() {
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

    // MARK: Allocating

    /// The fast path that every bump shares: where a block of `byteCount` bytes aligned to
    /// `alignment` starts and ends when it fits between `cursor` and `limit`, or nil when it does
    /// not, or when the request is not valid (the slow path then checks it and traps with a
    /// message).
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

    /// Bumps, or reaches the slow path.
    @inlinable
    @inline(__always)
    mutating func allocate(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        if let block = RegionState.bump(from: cursor, to: limit, byteCount: byteCount, alignment: alignment) {
            cursor = block.end
            lastBlock = block.start
            // Safe: `start` lies inside a page the region holds, so it is not zero.
            return UnsafeMutableRawPointer(bitPattern: block.start).unsafelyUnwrapped
        }
        return try allocateSlow(byteCount: byteCount, alignment: alignment)
    }

    /// Checks the request, then borrows a page or makes a large block.
    @usableFromInline
    @inline(never)
    mutating func allocateSlow(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "Region.allocate")
        checkOpen("Region.allocate")
        checkNotLent("Region.allocate")
        return try allocateUnchecked(byteCount: byteCount, alignment: alignment)
    }

    /// The body of `allocateSlow` once the request and the region's state are checked; also the
    /// refill of a ``RegionCursor``, which puts its bump state back first.
    mutating func allocateUnchecked(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
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

    /// The most pages one refill asks for: `Region.maximumRunPages`, or a chunk's worth if less.
    private var maximumRunPages: Int { Swift.min(Region.maximumRunPages, pool.pagesPerChunk) }

    /// The most pages a first run asks for: `Region.maximumFirstRunPages`, or a chunk's worth if
    /// less.
    private var maximumFirstRunPages: Int { Swift.min(Region.maximumFirstRunPages, pool.pagesPerChunk) }

    func checkOpen(_ caller: StaticString) {
        require(!isClosed, "\(caller): the region is closed; allocating from a closed region is not allowed")
    }

    func checkNotLent(_ caller: StaticString) {
        require(
            !isLent,
            "\(caller): the region is lent to a RegionCursor; use the cursor until withCursor returns"
        )
    }

    /// Resizes a block of this region, keeping its first bytes (see `Region.reallocate`).
    @usableFromInline
    mutating func reallocate(
        _ pointer: UnsafeMutableRawPointer,
        byteCount: Int,
        alignment: Int
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
}

extension RegionState {
    /// Memory for one state, from the calling thread's cache of blocks (see
    /// `withRegion(pool:_:)`, async).
    @usableFromInline
    static func takeCachedBlock() -> UnsafeMutablePointer<RegionState> {
        require(
            MemoryLayout<RegionState>.size <= Mimalloc.cachedBlockSize && MemoryLayout<RegionState>.alignment <= 16,
            "RegionState does not fit a cached block of \(Mimalloc.cachedBlockSize) bytes"
        )
        // Safe: the block is 16-byte aligned and large enough (checked above); it is bound to
        // the state type only while the state lives in it.
        return Mimalloc.takeCachedBlock().bindMemory(to: RegionState.self, capacity: 1)
    }

    /// Closes the state in memory from ``takeCachedBlock()``, ends it and gives the memory back.
    @usableFromInline
    static func finishCachedBlock(_ block: UnsafeMutablePointer<RegionState>) {
        block.pointee.close()
        // Safe: the state was initialised by the scope that took the block, and nothing refers
        // to it once the scope ends.
        block.deinitialize(count: 1)
        Mimalloc.returnCachedBlock(UnsafeMutableRawPointer(block))
    }

    /// Closes the region and ends the state, out of line (see `withRegion(pool:_:)`).
    @usableFromInline
    consuming func finish() {
        close()
    }
}
