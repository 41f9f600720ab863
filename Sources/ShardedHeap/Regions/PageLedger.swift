/// What a region holds: the pages it borrowed (from its pool, or from ``PagePool/shared`` when
/// its pool is a shard's pool and the region ran on another thread) and its large blocks.
///
/// ## Thread rules
/// - Pages are taken from the region's own pool only where that pool allows it
///   (``PagePool/isTakeableHere``): anywhere for a pool without an owner, on the owner thread for
///   a shard's pool. Anywhere else they come from ``PagePool/shared``. The check runs at *every*
///   refill, because a region's task may hop threads at any `await`.
/// - Every page goes back to the pool it came from; a shard's pool takes pages returned from
///   other threads through its inbox.
/// - Large blocks come from, and go back to, the region's pool's allocator (which is `Sendable`).
///
/// Not thread-safe: a `Region` is confined to its task, and a `SharedRegion` keeps its ledger
/// under a lock.
struct PageLedger: ~Copyable {
    // Unowned: every ledger's owner (a region's state, a shared region) holds the same pool
    // strongly for longer than the ledger lives, so a second reference would only add a retain and
    // a release (two atomic read-modify-writes) to every region's life.
    unowned(unsafe) let pool: PagePool
    /// Runs of pages from `pool`.
    var poolRuns = PageRunList()
    /// Runs of pages from `PagePool.shared` (only when `pool` is a shard's pool used off its
    /// thread).
    var sharedRuns = PageRunList()
    /// Blocks that do not fit a page, from `pool.allocator`.
    var largeBlocks = RawList<LargeBlock>()

    struct LargeBlock {
        var pointer: UnsafeMutableRawPointer
        var byteCount: Int
    }

    init(pool: PagePool) {
        require(
            !pool.isShardPool || pool.pageSize == PagePool.shared.pageSize,
            "PageLedger: a shard's pool must use the shared pool's page size"
        )
        self.pool = pool
    }

    /// Borrows up to `maximum` adjacent pages (at least one) from the pool the calling thread
    /// may use.
    /// - Returns: The run, and whether it continues the run the ledger took last from the same
    ///   pool (the two are then one entry, so a block may straddle the seam).
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)`` naming a page.
    mutating func takeRun(upTo maximum: Int) throws(AllocationError) -> (run: PageRun, merged: Bool) {
        // Two plain branches rather than one choice of pool: choosing would retain and release
        // the pool at every refill.
        let merged: Bool
        let taken: PageRun?
        if pool.isTakeableHere {
            taken = pool.takeRun(upTo: maximum)
            merged = taken.map { poolRuns.record($0, pageSize: pool.pageSize) } ?? false
        } else {
            taken = PagePool.shared.takeRun(upTo: maximum)
            merged = taken.map { sharedRuns.record($0, pageSize: pool.pageSize) } ?? false
        }
        guard let run = taken else {
            throw .outOfMemory(requested: pool.pageSize, alignment: pool.pageSize)
        }
        return (run, merged)
    }

    /// The pages held now, in both lists of runs. O(runs).
    var pageCount: Int { poolRuns.pageCount + sharedRuns.pageCount }

    /// Borrows one page (for ``SharedRegion``, which fills one page at a time).
    mutating func takePage() throws(AllocationError) -> UnsafeMutableRawPointer {
        try takeRun(upTo: 1).run.start
    }

    /// The end of the run that holds `address`, searching the newest runs first; nil when no
    /// run of this ledger holds it. O(runs).
    func endOfRun(holding address: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        poolRuns.endOfRun(holding: address, pageSize: pool.pageSize)
            ?? sharedRuns.endOfRun(holding: address, pageSize: pool.pageSize)
    }

    /// Takes a block of its own from the pool's allocator.
    mutating func allocateLarge(byteCount: Int, alignment: Int) throws(AllocationError) -> UnsafeMutableRawPointer {
        let pointer = try pool.allocator.allocate(byteCount: byteCount, alignment: alignment)
        largeBlocks.append(LargeBlock(pointer: pointer, byteCount: byteCount))
        pool.countLargeBlocks(1)
        return pointer
    }

    /// The index of the large block that starts at `pointer`, searching the newest first.
    func largeBlockIndex(of pointer: UnsafeMutableRawPointer) -> Int? {
        var index = largeBlocks.count - 1
        while index >= 0 {
            if largeBlocks[index].pointer == pointer { return index }
            index -= 1
        }
        return nil
    }

    /// Resizes large block `index` through the pool's allocator.
    mutating func reallocateLarge(
        at index: Int,
        byteCount: Int,
        alignment: Int
    ) throws(AllocationError)
        -> UnsafeMutableRawPointer
    {
        let moved = try pool.allocator.reallocate(
            largeBlocks[index].pointer,
            byteCount: byteCount,
            alignment: alignment
        )
        largeBlocks[index] = LargeBlock(pointer: moved, byteCount: byteCount)
        return moved
    }

    /// Returns every page to its pool and frees every large block. O(pages + large blocks).
    ///
    /// In debug builds every page and large block is first filled with ``Region/poisonByte``, so
    /// that memory used after its region closed is easy to recognise.
    mutating func releaseAll() {
        #if DEBUG
        poison(poolRuns, pageSize: pool.pageSize)
        poison(sharedRuns, pageSize: pool.pageSize)
        for index in 0..<largeBlocks.count {
            // Safe: the block is live and `byteCount` long; nothing else may use it now.
            largeBlocks[index].pointer.initializeMemory(
                as: UInt8.self,
                repeating: Region.poisonByte,
                count: largeBlocks[index].byteCount
            )
        }
        #endif
        if !poolRuns.isEmpty {
            pool.returnRuns(poolRuns)
            poolRuns.removeAll()
        }
        if !sharedRuns.isEmpty {
            PagePool.shared.returnRuns(sharedRuns)
            sharedRuns.removeAll()
        }
        if !largeBlocks.isEmpty {
            for index in 0..<largeBlocks.count {
                pool.allocator.deallocate(largeBlocks[index].pointer)
            }
            pool.countLargeBlocks(-largeBlocks.count)
            largeBlocks.removeAll()
        }
    }

    #if DEBUG
    private func poison(_ runs: borrowing PageRunList, pageSize: Int) {
        for index in 0..<runs.count {
            // Safe: the region holds the whole run until it returns it.
            runs[index].start.initializeMemory(
                as: UInt8.self,
                repeating: Region.poisonByte,
                count: runs[index].pageCount * pageSize
            )
        }
    }
    #endif
}
