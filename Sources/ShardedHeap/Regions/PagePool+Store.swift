extension PagePool {
    /// A pool's chunks and free pages. Guarded by the pool's lock, or confined to the owner
    /// thread of a shard's pool.
    struct Store: ~Copyable {
        /// Every chunk the pool holds (sorted only after a trim).
        var chunks = RawList<UnsafeMutableRawPointer>()
        /// Pages ready to lend; the last one is lent next.
        var free = RawList<UnsafeMutableRawPointer>()
    }
}
