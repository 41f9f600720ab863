extension PagePool {
    /// A pool's chunks and free pages. Guarded by the pool's lock, or confined to the owner
    /// thread of a shard's pool.
    struct Store: ~Copyable {
        /// Every chunk the pool holds (sorted only after a trim).
        var chunks = RawList<UnsafeMutableRawPointer>()
        /// Runs of pages ready to lend; pages are lent from the start of the last run.
        var free = RawList<PageRun>()
        /// The pages in `free`.
        var freePages = 0
    }
}
