extension Region {
    /// Lends the region's bump state to `body` as a ``RegionCursor``, for hot loops that make
    /// many small blocks, and takes it back when `body` returns or throws.
    ///
    /// Through the cursor, a request costs a compare and an add on values the compiler can keep
    /// in registers; through the region, it also loads and stores the region's state. Blocks,
    /// pages and errors are the same either way.
    ///
    /// - Parameter body: The work. It may allocate only through the cursor: the region traps on
    ///   `allocate`, `reallocate` and a second `withCursor` until `body` returns.
    /// - Returns: What `body` returns.
    /// - Throws: Whatever `body` throws (typed).
    /// - Precondition: The region is not already lent.
    ///
    /// Call it from the task that owns the region.
    @inlinable
    public func withCursor<Result: ~Copyable, Failure: Error>(
        _ body: (inout RegionCursor) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var cursor = state.pointee.lendCursor(state)
        defer { state.pointee.takeBack(cursor, into: state) }
        return try body(&cursor)
    }
}

extension RegionState {
    /// Hands the bump state to a new cursor and leaves the region's own empty, so that direct
    /// requests reach `allocateSlow` and trap there.
    @usableFromInline
    mutating func lendCursor(_ me: UnsafeMutablePointer<RegionState>) -> RegionCursor {
        checkOpen("Region.withCursor")
        checkNotLent("Region.withCursor")
        let cursor = RegionCursor(state: me, next: self.cursor, limit: limit)
        isLent = true
        self.cursor = 0
        limit = 0
        return cursor
    }

    /// Takes the bump state back from a cursor.
    @usableFromInline
    mutating func takeBack(_ lent: borrowing RegionCursor, into me: UnsafeMutablePointer<RegionState>) {
        // A cursor swapped with another region's would hand this region pages it does not hold.
        require(
            lent.state == me,
            "Region.withCursor: the cursor given back belongs to another region (were two cursors swapped?)"
        )
        isLent = false
        cursor = lent.next
        limit = lent.limit
    }

    /// A cursor's slow path: checks the request, puts the cursor's state back for the refill,
    /// and lends it out again with the new run.
    @usableFromInline
    @inline(never)
    mutating func refillCursor(
        byteCount: Int,
        alignment: Int,
        next: UInt,
        limit: UInt
    ) throws(AllocationError) -> (block: UnsafeMutableRawPointer, next: UInt, limit: UInt) {
        Block.checkRequest(byteCount: byteCount, alignment: alignment, caller: "RegionCursor.allocate")
        cursor = next
        self.limit = limit
        defer {
            cursor = 0
            self.limit = 0
        }
        // On a throw nothing moved, and the cursor keeps the state it had.
        let block = try allocateUnchecked(byteCount: byteCount, alignment: alignment)
        return (block, cursor, self.limit)
    }
}
