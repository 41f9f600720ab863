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
        ledger.releaseAll()
    }

    // MARK: Allocating

    /// The fast path that every bump shares: where a block of `byteCount` bytes aligned to
    /// `alignment` starts and where the next one may start, when it fits between `cursor` and
    /// `limit`; nil when it does not, when it asks for zero bytes (which still take a granule, on
    /// the slow path), or when the request is not valid (the slow path then checks it and traps
    /// with a message).
    ///
    /// Blocks take whole 16-byte granules, so the cursor always rests on a 16-byte boundary: up
    /// to 16-byte alignment a block starts at the cursor itself, and the next cursor depends on
    /// the old one through one add. Runs end on page boundaries and pages are at least 64 bytes,
    /// so below 64-byte alignment the aligned start never passes `limit`, and one compare of
    /// `size - 1` against the room left checks the rest: a zero or negative size wraps around and
    /// misses. With the alignment a constant, as it nearly always is, the other checks fold away.
    @inlinable
    @inline(__always)
    static func bump(from cursor: UInt, to limit: UInt, byteCount: Int, alignment: Int) -> (start: UInt, end: UInt)? {
        let mask = UInt(bitPattern: alignment &- 1)
        let size = UInt(bitPattern: byteCount)
        let start = mask < 16 ? cursor : (cursor &+ mask) & ~mask
        // `_fastPath` keeps the caller's refill call cold, so its state stays in registers.
        if _fastPath(
            mask < 65_536 && UInt(bitPattern: alignment) & mask == 0 && (mask < 64 || start <= limit)
                && size &- 1 < limit &- start
        ) {
            return (start, start &+ granules(size))
        }
        return nil
    }

    /// `size` rounded up to whole 16-byte granules.
    @inlinable
    @inline(__always)
    static func granules(_ size: UInt) -> UInt {
        (size &+ 15) & ~15
    }

    /// Bumps, or reaches the slow path.
    @inlinable
    @inline(__always)
    mutating func allocate(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        if let block = RegionState.bump(from: cursor, to: limit, byteCount: byteCount, alignment: alignment) {
            cursor = block.end
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
            // A zero-byte request (which takes a granule), or a direct call.
            cursor = start + RegionState.granules(size)
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
            cursor = start + RegionState.granules(size)
            limit = runEnd
            // Safe: `start` lies inside a run the region holds, so it is not zero.
            return UnsafeMutableRawPointer(bitPattern: start).unsafelyUnwrapped
        }
        // Runs are aligned to `pageSize`, hence to `alignment`.
        cursor = runStart + RegionState.granules(size)
        limit = runEnd
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
        from oldByteCount: Int,
        to byteCount: Int,
        alignment: Int
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "Region.reallocate")
        require(oldByteCount >= 0, "Region.reallocate: oldByteCount must not be negative (got \(oldByteCount))")
        checkOpen("Region.reallocate")
        checkNotLent("Region.reallocate")
        let start = UInt(bitPattern: pointer)
        let oldSize = UInt(Swift.max(oldByteCount, 1))
        let size = UInt(Swift.max(byteCount, 1))
        // The last block placed in the current run ends at the cursor: it grows or shrinks there.
        if start &+ RegionState.granules(oldSize) == cursor {
            if size <= limit &- start {
                cursor = start + RegionState.granules(size)
                return pointer
            }
        } else if let index = ledger.largeBlockIndex(of: pointer) {
            return try ledger.reallocateLarge(at: index, byteCount: Int(size), alignment: alignment)
        }
        // Any other block is copied. The copy never reads past memory the region holds: up to
        // the end of the block's run (a block may straddle the seam of two merged runs), or up to
        // the cursor in the current run.
        guard let runEnd = ledger.endOfRun(holding: pointer) else {
            require(false, "Region.reallocate: the pointer \(pointer) was not allocated by this region")
            return pointer
        }
        let end = UInt(bitPattern: runEnd)
        let available = (end == limit ? cursor : end) - start
        let moved = try allocate(byteCount: byteCount, alignment: alignment)
        // Safe: at most `available` bytes from `pointer` lie within one run the region holds, and
        // the new block is distinct and at least `byteCount` long.
        moved.copyMemory(from: pointer, byteCount: Int(Swift.min(available, oldSize, UInt(byteCount))))
        return moved
    }
}

extension RegionState {
    /// The bytes a scope sets aside for its state (checked against the state's size in
    /// ``start(in:pool:)``).
    @inlinable
    static var stackByteCount: Int { 256 }

    /// Sets a new state up in `memory` (at least ``stackByteCount`` bytes, 16-byte aligned), on
    /// `pool` or ``PagePool/current``.
    @usableFromInline
    static func start(in memory: UnsafeMutableRawPointer, pool: PagePool?) -> UnsafeMutablePointer<RegionState> {
        require(
            MemoryLayout<RegionState>.size <= stackByteCount && MemoryLayout<RegionState>.alignment <= 16,
            "RegionState does not fit the \(stackByteCount) bytes a scope sets aside"
        )
        // Safe: the memory is large and aligned enough (checked above) and holds no value; it is
        // bound to the state type only while the state lives in it.
        let state = memory.bindMemory(to: RegionState.self, capacity: 1)
        state.initialize(to: RegionState(pool: pool ?? PagePool.current))
        return state
    }

    /// Closes the region and ends the state that ``start(in:pool:)`` set up.
    @usableFromInline
    static func finish(_ state: UnsafeMutablePointer<RegionState>) {
        state.pointee.close()
        // Safe: the state was initialised by `start`, and nothing refers to it once its scope
        // ends.
        state.deinitialize(count: 1)
    }

    /// Memory for one state, from the calling thread's cache of blocks (see the async
    /// `withRegion(pool:_:)`).
    @usableFromInline
    static func takeCachedBlock() -> UnsafeMutableRawPointer {
        require(stackByteCount <= Mimalloc.cachedBlockSize, "a region's state does not fit a cached block")
        return Mimalloc.takeCachedBlock()
    }

    /// Closes the state in memory from ``takeCachedBlock()``, ends it and gives the memory back.
    @usableFromInline
    static func finishCachedBlock(_ state: UnsafeMutablePointer<RegionState>) {
        finish(state)
        Mimalloc.returnCachedBlock(UnsafeMutableRawPointer(state))
    }
}
