extension PagePool {
    /// A reading of a pool's figures.
    ///
    /// Each figure is read once with a relaxed load, so a reading taken while other threads use
    /// the pool may mix slightly different moments; a reading taken when the pool is quiet is
    /// exact.
    public struct Statistics: Sendable, Hashable, CustomStringConvertible {
        /// Chunks the pool holds now.
        public var chunkCount: Int
        /// Bytes the pool holds now (`chunkCount * chunkSize`).
        public var reservedBytes: Int
        /// Pages ready to lend, including those returned to a shard's pool from other threads
        /// that its owner has not yet taken in.
        public var freePageCount: Int
        /// Pages lent since the pool was created.
        public var borrowedPageCount: Int
        /// Pages returned since the pool was created.
        public var returnedPageCount: Int
        /// Large blocks (too big for a page) that regions of this pool hold now.
        public var largeBlocksInUse: Int

        /// Pages lent out now.
        public var pagesInUse: Int { borrowedPageCount - returnedPageCount }

        public var description: String {
            "\(chunkCount) chunks (\(reservedBytes) bytes), \(freePageCount) free pages, "
                + "\(pagesInUse) in use (\(borrowedPageCount) borrowed, \(returnedPageCount) returned), "
                + "\(largeBlocksInUse) large blocks"
        }
    }

    /// The pool's figures now.
    ///
    /// Any thread may read this, for every kind of pool.
    /// - Complexity: O(1).
    public var statistics: Statistics {
        let chunks = chunkCountFigure.load(ordering: .relaxed)
        return Statistics(
            chunkCount: chunks,
            reservedBytes: chunks * chunkSize,
            freePageCount: freePageFigure.load(ordering: .relaxed) + pagesWaitingInInbox,
            borrowedPageCount: borrowedPages.load(ordering: .relaxed),
            returnedPageCount: returnedPages.load(ordering: .relaxed),
            largeBlocksInUse: largeBlocks.load(ordering: .relaxed)
        )
    }
}
