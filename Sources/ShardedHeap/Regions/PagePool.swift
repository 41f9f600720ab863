import Synchronization

/// Fixed-size pages carved out of large chunks, lent to regions and taken back when they close.
///
/// A pool asks its ``allocator`` for chunks of ``chunkSize`` bytes (1 MiB by default) and cuts
/// them into pages of ``pageSize`` bytes (4 KiB by default), each aligned to its own size. A
/// ``Region`` bump-allocates inside pages it borrows and returns them all when it closes, so
/// closing costs O(pages), not O(allocations). Chunks go back to the allocator on ``trim()`` (the
/// chunks whose pages are all free) and when the pool is released.
///
/// ## Kinds of pool and who may call
/// - A pool you create with ``init(chunkSize:pageSize:allocator:)`` is safe under concurrency:
///   every take, return and trim holds a lock for a few pointer moves. Any thread may use it.
/// - Each shard of a ``ShardGroup`` has its own pool, confined to the shard's owner thread.
///   Regions opened on that thread take pages from it with no lock at all. When such a region
///   needs a page on any other thread (its task hopped after an `await`), the page comes from
///   ``shared`` instead, and pages going back to the shard's pool from another thread wait in a
///   locked inbox that the owner drains on its next take or trim. ``current`` hands out the
///   calling shard's pool, or ``shared`` off shard threads.
///
/// A region keeps its pool alive, so a pool is never released while pages are lent out.
public final class PagePool {
    /// The default chunk size: 1 MiB.
    public static let defaultChunkSize = 1 << 20
    /// The default page size: 4 KiB.
    public static let defaultPageSize = 4096

    /// The pool that regions use off shard threads, and that shard-pool regions fall back to on
    /// other threads. Safe under concurrency; lives as long as the process.
    public static let shared = PagePool(chunkSize: defaultChunkSize, pageSize: defaultPageSize)

    /// The size of the chunks the pool asks its allocator for.
    public let chunkSize: Int
    /// The size (and alignment) of each page.
    public let pageSize: Int
    /// Where chunks come from and go back to. Regions of this pool also take their large blocks
    /// (those that do not fit a page) from it.
    public let allocator: any Allocator & Sendable

    /// For a shard's pool, the opaque `ShardSlot` whose owner thread alone may take pages;
    /// nil for a pool that is safe under concurrency.
    let ownerSlot: UnsafeMutableRawPointer?
    /// Set once, by the owner thread when its shard stops: from then on the pool is like one
    /// without an owner (every take, return and trim holds `lock`). Acquiring loads, releasing
    /// store: the owner's last unlocked use of `store` happens before any locked one.
    private let retiredFromShard = Atomic<Bool>(false)
    let pagesPerChunk: Int

    /// Guards `store` in a pool without an owner; unused in a shard's pool.
    private let lock = PThreadLock()
    /// Chunks and free pages. Guarded by `lock`, or confined to the owner thread (see the type's
    /// docs).
    // Unchecked: every access is already exclusive by construction (the owner thread of a shard
    // pool, or `lock` for other pools), so Swift's dynamic exclusivity checks guard nothing.
    @exclusivity(unchecked) nonisolated(unsafe) private var store = Store()
    /// Pages returned to a shard's pool from other threads, waiting for the owner to take them in.
    private let inbox = PThreadLock<RawList<PageRun>>(RawList())
    /// How many pages wait in `inbox`. A hint: relaxed, because the inbox's own lock orders the
    /// pages themselves; a stale zero only delays the drain to a later take or trim.
    private let inboxCount = Atomic<Int>(0)

    // Figures. Each is written under `lock`, or by the owner thread alone (relaxed load + store),
    // except `returnedPages` and `largeBlocks`, which any thread changes with a relaxed
    // read-modify-write. All are read relaxed: figures, not synchronisation.
    let chunkCountFigure = Atomic<Int>(0)
    let freePageFigure = Atomic<Int>(0)
    let borrowedPages = Atomic<Int>(0)
    let returnedPages = Atomic<Int>(0)
    let largeBlocks = Atomic<Int>(0)
    /// How many pages a new region's first run asks for: set by the region that closed last.
    /// A hint, read and written relaxed; a lost update only changes one region's first run.
    private let firstRunHint = Atomic<Int>(1)

    /// Creates a pool that is safe to use from any thread.
    ///
    /// - Parameters:
    ///   - chunkSize: Bytes per chunk: a multiple of `pageSize`. 1 MiB by default.
    ///   - pageSize: Bytes per page: a power of two from 64 to 65,536. 4 KiB by default.
    ///   - allocator: Where chunks (and regions' large blocks) come from. It must free blocks
    ///     individually for ``trim()`` to give memory back. `MimallocAllocator()` by default.
    /// - Precondition: the sizes are as described; the message names a bad value.
    /// - Complexity: O(1); no memory is taken until the first page is borrowed.
    public convenience init(
        chunkSize: Int = PagePool.defaultChunkSize,
        pageSize: Int = PagePool.defaultPageSize,
        allocator: any Allocator & Sendable = MimallocAllocator()
    ) {
        self.init(chunkSize: chunkSize, pageSize: pageSize, allocator: allocator, ownerSlot: nil)
    }

    init(chunkSize: Int, pageSize: Int, allocator: any Allocator & Sendable, ownerSlot: UnsafeMutableRawPointer?) {
        require(
            pageSize >= 64 && pageSize <= Block.maximumAlignment && pageSize & (pageSize - 1) == 0,
            "PagePool: pageSize must be a power of two from 64 to \(Block.maximumAlignment) (got \(pageSize))"
        )
        require(
            chunkSize >= pageSize && chunkSize % pageSize == 0,
            "PagePool: chunkSize must be a positive multiple of pageSize \(pageSize) (got \(chunkSize))"
        )
        self.chunkSize = chunkSize
        self.pageSize = pageSize
        self.allocator = allocator
        self.ownerSlot = ownerSlot
        self.pagesPerChunk = chunkSize / pageSize
    }

    deinit {
        // Regions retain their pool, so no page is lent out now; pages still in the inbox belong
        // to chunks that are freed here.
        for index in 0..<store.chunks.count {
            allocator.deallocate(store.chunks[index])
        }
    }

    /// The pool that a region opened now, on this thread, takes pages from by default: the
    /// calling shard's own pool on a shard's owner thread (created on first use), ``shared``
    /// anywhere else.
    ///
    /// Any thread may call this.
    public static var current: PagePool {
        // Safe: slots are immortal, and `pagePool` is touched only on the slot's owner thread,
        // which is the calling thread.
        guard let slot = ShardSlot.current else { return .shared }
        if let pool = slot.pagePool { return pool }
        let pool = PagePool(
            chunkSize: defaultChunkSize,
            pageSize: defaultPageSize,
            allocator: MimallocAllocator(),
            ownerSlot: slot.shard.opaque
        )
        slot.pagePool = pool
        return pool
    }

    /// Whether the calling thread may take pages from this pool: always for a pool without an
    /// owner, only on the owner thread for a shard's pool.
    @inline(__always)
    var isTakeableHere: Bool {
        !isConfinedToShard || ownerSlot == Mimalloc.Shard.current?.opaque
    }

    /// Whether only the owner thread touches `store` (a shard's pool whose shard still runs).
    private var isConfinedToShard: Bool {
        ownerSlot != nil && !retiredFromShard.load(ordering: .acquiring)
    }

    /// Whether this is a shard's pool, confined to its owner thread.
    public var isShardPool: Bool { ownerSlot != nil }

    // MARK: Taking and returning pages

    /// How many pages a region opened now asks for first: 1, or what the last region closed on
    /// this pool suggested.
    var firstRunPages: Int { firstRunHint.load(ordering: .relaxed) }

    /// Records how many pages a closing region used, so that the next region starts with a run of
    /// that many (at least 1, at most `maximum`).
    func suggestFirstRun(afterUsing usedPages: Int, maximum: Int) {
        firstRunHint.store(Swift.max(1, Swift.min(usedPages, maximum)), ordering: .relaxed)
    }

    /// Lends up to `maximum` pages that lie next to each other (at least one), taking a new chunk
    /// from the allocator when none is free.
    ///
    /// Pages are lent from the top of the free list, and the run stops at the first page that
    /// does not follow the previous one, so a run never waits for a search.
    /// - Returns: The run, or nil when the allocator is out of memory.
    /// - Precondition: ``isTakeableHere``; `maximum >= 1`.
    func takeRun(upTo maximum: Int) -> PageRun? {
        if !isConfinedToShard {
            return lock.withLock { takeUnlocked(upTo: maximum) }
        }
        require(
            ownerSlot == Mimalloc.Shard.current?.opaque,
            "PagePool: a shard's pool lends pages only on its shard's thread"
        )
        if store.free.isEmpty && inboxCount.load(ordering: .relaxed) > 0 {
            drainInbox()
        }
        return takeUnlocked(upTo: maximum)
    }

    /// Call with `lock` held, or on the owner thread.
    private func takeUnlocked(upTo maximum: Int) -> PageRun? {
        if store.free.isEmpty {
            guard let chunk = try? allocator.allocate(byteCount: chunkSize, alignment: pageSize) else {
                return nil
            }
            store.chunks.append(chunk)
            store.free.append(PageRun(start: chunk, pageCount: pagesPerChunk))
            store.freePages += pagesPerChunk
            chunkCountFigure.store(store.chunks.count, ordering: .relaxed)
        }
        let run = store.free.popRun(upTo: maximum, pageSize: pageSize)
        store.freePages -= run.pageCount
        freePageFigure.store(store.freePages, ordering: .relaxed)
        borrowedPages.store(borrowedPages.load(ordering: .relaxed) &+ run.pageCount, ordering: .relaxed)
        return run
    }

    /// Takes back every page of `runs` (which must have come from this pool), from any thread.
    /// A shard's pool takes them in directly on its owner thread, and through the inbox elsewhere.
    ///
    /// The pages go onto the free list so that the first run comes off it first, each in
    /// ascending order: the next region to borrow them finds the same runs again.
    func returnRuns(_ runs: borrowing PageRunList) {
        let pageCount = runs.pageCount
        guard pageCount > 0 else { return }
        if !isConfinedToShard {
            lock.withLock {
                store.free.push(runs, pageSize: pageSize)
                store.freePages += pageCount
                freePageFigure.store(store.freePages, ordering: .relaxed)
            }
        } else if ownerSlot == Mimalloc.Shard.current?.opaque {
            store.free.push(runs, pageSize: pageSize)
            store.freePages += pageCount
            freePageFigure.store(store.freePages, ordering: .relaxed)
        } else {
            inbox.withLock { $0.push(runs, pageSize: pageSize) }
            inboxCount.wrappingAdd(pageCount, ordering: .relaxed)
            // The shard may have stopped meanwhile; if so nobody else drains the inbox. (Its
            // flag is set before its last drain, under the inbox's lock: a push that drain missed
            // sees the flag here.)
            if retiredFromShard.load(ordering: .acquiring) {
                lock.withLock { drainInbox() }
            }
        }
        returnedPages.wrappingAdd(pageCount, ordering: .relaxed)
    }

    /// The owner thread, when its shard stops: the pool stops being confined to that thread, takes
    /// its inbox in and gives its idle chunks back. Regions still open on it go on taking and
    /// returning pages under the pool's lock, and the pool (with its remaining chunks) goes when
    /// the last of them closes.
    func retireFromShard() {
        require(
            ownerSlot != nil && ownerSlot == Mimalloc.Shard.current?.opaque,
            "PagePool: only a shard's own thread retires its pool"
        )
        lock.withLock {
            retiredFromShard.store(true, ordering: .releasing)
            drainInbox()
            _ = trimUnlocked()
        }
    }

    /// Moves pages from the inbox to the free list. Owner thread of a shard's pool, or with
    /// `lock` held once the pool is retired.
    private func drainInbox() {
        inbox.withLock { waiting in
            var pages = 0
            for index in 0..<waiting.count { pages += waiting[index].pageCount }
            store.free.append(contentsOf: waiting)
            store.freePages += pages
            inboxCount.wrappingSubtract(pages, ordering: .relaxed)
            waiting.removeAll()
        }
        freePageFigure.store(store.freePages, ordering: .relaxed)
    }

    // MARK: Trimming

    /// Gives every chunk whose pages are all free back to the allocator.
    ///
    /// - Returns: The number of bytes given back.
    /// - Complexity: O(*f* log *f* + *c* log *c*) for *f* free runs and *c* chunks.
    /// - Precondition: For a shard's pool, the caller runs on the shard's owner thread (use
    ///   ``ShardGroup/trimPagePools()`` from elsewhere). A pool you created may be trimmed from
    ///   any thread.
    @discardableResult
    public func trim() -> Int {
        if !isConfinedToShard {
            return lock.withLock { trimUnlocked() }
        }
        require(
            ownerSlot == Mimalloc.Shard.current?.opaque,
            "PagePool.trim(): a shard's pool may be trimmed only on its shard's thread; use ShardGroup.trimPagePools()"
        )
        drainInbox()
        return trimUnlocked()
    }

    /// Call with `lock` held, or on the owner thread.
    private func trimUnlocked() -> Int {
        guard !store.chunks.isEmpty, store.freePages >= pagesPerChunk else { return 0 }
        store.free.withUnsafeMutableBufferPointer { buffer in
            var buffer = buffer
            buffer.sort { $0.start < $1.start }
        }
        store.chunks.withUnsafeMutableBufferPointer { buffer in
            var buffer = buffer
            buffer.sort()
        }
        // Walk chunks and free runs together, both ascending: a chunk is idle when free runs
        // cover all of it. A run may cover the end of one chunk and the start of the next, when
        // the allocator placed the two side by side and a region's ledger merged its pages.
        let chunkSize = chunkSize
        let pageSize = pageSize
        var idle = RawList<UnsafeMutableRawPointer>()
        var firstRun = 0
        for chunkIndex in 0..<store.chunks.count {
            let chunk = store.chunks[chunkIndex]
            let end = chunk + chunkSize
            while firstRun < store.free.count && store.free[firstRun].end(pageSize: pageSize) <= chunk {
                firstRun += 1
            }
            var covered = 0
            var runIndex = firstRun
            while runIndex < store.free.count && store.free[runIndex].start < end {
                let run = store.free[runIndex]
                covered += Swift.min(run.end(pageSize: pageSize), end) - Swift.max(run.start, chunk)
                runIndex += 1
            }
            if covered == chunkSize { idle.append(chunk) }
        }
        guard !idle.isEmpty else { return 0 }
        // Keep the parts of each run that lie outside idle chunks (both lists stay sorted).
        var kept = RawList<PageRun>()
        var keptPages = 0
        var idleIndex = 0
        for runIndex in 0..<store.free.count {
            let run = store.free[runIndex]
            var start = run.start
            let end = run.end(pageSize: pageSize)
            while idleIndex < idle.count && idle[idleIndex] + chunkSize <= start { idleIndex += 1 }
            var probe = idleIndex
            while start < end {
                let nextIdle = probe < idle.count && idle[probe] < end ? idle[probe] : end
                if nextIdle > start {
                    let pages = (nextIdle - start) / pageSize
                    kept.append(PageRun(start: start, pageCount: pages))
                    keptPages += pages
                }
                guard nextIdle < end else { break }
                start = nextIdle + chunkSize
                probe += 1
            }
        }
        store.free = kept
        store.freePages = keptPages
        store.chunks.retain { chunk in
            !Self.contains(idle, chunkStartingAtOrBelow: chunk, chunkSize: chunkSize)
        }
        for index in 0..<idle.count {
            allocator.deallocate(idle[index])
        }
        chunkCountFigure.store(store.chunks.count, ordering: .relaxed)
        freePageFigure.store(store.freePages, ordering: .relaxed)
        return idle.count * chunkSize
    }

    /// Whether `address` lies in one of the sorted `chunks`.
    private static func contains(
        _ chunks: borrowing RawList<UnsafeMutableRawPointer>,
        chunkStartingAtOrBelow address: UnsafeMutableRawPointer,
        chunkSize: Int
    ) -> Bool {
        var low = 0
        var high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle] <= address { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return false }
        return address < chunks[low - 1] + chunkSize
    }

    // MARK: Large blocks

    /// Records that a region of this pool took (+1) or freed (-1) a large block.
    func countLargeBlocks(_ delta: Int) {
        largeBlocks.wrappingAdd(delta, ordering: .relaxed)
    }

    /// How many pages wait in the inbox (a shard's pool only).
    var pagesWaitingInInbox: Int { inboxCount.load(ordering: .relaxed) }
}

// @unchecked: `store` is guarded by `lock` in a pool without an owner and confined to the owner
// thread in a shard's pool (other threads hand pages over through the locked `inbox`); every
// other stored property is immutable, atomic, or a Mutex.
extension PagePool: @unchecked Sendable {}
