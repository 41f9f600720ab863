/// What a region holds: the pages it borrowed (from its pool, or from ``PagePool/shared`` when
/// its pool is a shard's pool and the region ran on another thread) and its large blocks.
///
/// ## Thread rules
/// - A page is taken from the region's own pool only where that pool allows it
///   (``PagePool/isTakeableHere``): anywhere for a pool without an owner, on the owner thread for
///   a shard's pool. Anywhere else it comes from ``PagePool/shared``. The check runs at *every*
///   page refill, because a region's task may hop threads at any `await`.
/// - Every page goes back to the pool it came from; a shard's pool takes pages returned from
///   other threads through its inbox.
/// - Large blocks come from, and go back to, the region's pool's allocator (which is `Sendable`).
///
/// Not thread-safe: a `Region` is confined to its task, and a `SharedRegion` keeps its ledger
/// under a lock.
struct PageLedger: ~Copyable {
    let pool: PagePool
    /// Pages from `pool`.
    var poolPages = RawList<UnsafeMutableRawPointer>()
    /// Pages from `PagePool.shared` (only when `pool` is a shard's pool used off its thread).
    var sharedPages = RawList<UnsafeMutableRawPointer>()
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

    var pageCount: Int { poolPages.count + sharedPages.count }

    /// Borrows a page from the pool the calling thread may use.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)`` naming a page.
    mutating func takePage() throws(AllocationError) -> UnsafeMutableRawPointer {
        if pool.isTakeableHere {
            guard let page = pool.takePage() else {
                throw .outOfMemory(requested: pool.pageSize, alignment: pool.pageSize)
            }
            poolPages.append(page)
            return page
        }
        guard let page = PagePool.shared.takePage() else {
            throw .outOfMemory(requested: pool.pageSize, alignment: pool.pageSize)
        }
        sharedPages.append(page)
        return page
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
        poison(poolPages, pageSize: pool.pageSize)
        poison(sharedPages, pageSize: pool.pageSize)
        for index in 0..<largeBlocks.count {
            // Safe: the block is live and `byteCount` long; nothing else may use it now.
            largeBlocks[index].pointer.initializeMemory(
                as: UInt8.self,
                repeating: Region.poisonByte,
                count: largeBlocks[index].byteCount
            )
        }
        #endif
        pool.returnPages(poolPages)
        poolPages.removeAll()
        PagePool.shared.returnPages(sharedPages)
        sharedPages.removeAll()
        if !largeBlocks.isEmpty {
            for index in 0..<largeBlocks.count {
                pool.allocator.deallocate(largeBlocks[index].pointer)
            }
            pool.countLargeBlocks(-largeBlocks.count)
            largeBlocks.removeAll()
        }
    }

    #if DEBUG
    private func poison(_ pages: borrowing RawList<UnsafeMutableRawPointer>, pageSize: Int) {
        for index in 0..<pages.count {
            // Safe: the region holds the page, a whole `pageSize` bytes, until it returns it.
            pages[index].initializeMemory(as: UInt8.self, repeating: Region.poisonByte, count: pageSize)
        }
    }
    #endif
}
