/// A region's bump state, lent to a loop for the length of ``Region/withCursor(_:)``.
///
/// ```swift
/// withRegion { region in
///     region.withCursor { cursor in
///         for line in lines {
///             let block = try! cursor.allocate(byteCount: line.utf8.count, alignment: 1)
///             // ...
///         }
///     }
/// }
/// ```
///
/// `Region.allocate` keeps its next free byte in the region's state, so each request loads it
/// and stores it back: the compiler cannot keep it in a register when the caller also writes
/// through other pointers, which might alias the state. A cursor is a local value: once
/// `withCursor` and its closure are inlined, the next free byte and the end of the current run
/// stay in registers across the loop, and the region sees them again when the closure returns.
/// Blocks come from the same pages in the same order as with `Region.allocate`, and refills,
/// large blocks and errors behave the same.
///
/// It is not copyable, so two copies can never hand out the same bytes, and it cannot leave the
/// closure. While it is lent, the region itself refuses requests (a precondition failure).
///
/// Use it on the thread and task that own the region, like the region itself.
public struct RegionCursor: ~Copyable {
    // Safe to hold: `withCursor` runs inside the region's scope, so the state outlives the
    // cursor, which cannot leave that call.
    @usableFromInline let state: UnsafeMutablePointer<RegionState>
    /// The next free byte of the current run.
    @usableFromInline var next: UInt
    /// The end of the current run.
    @usableFromInline var limit: UInt

    @usableFromInline
    init(state: UnsafeMutablePointer<RegionState>, next: UInt, limit: UInt) {
        self.state = state
        self.next = next
        self.limit = limit
    }

    /// Allocates `byteCount` uninitialised bytes aligned to `alignment` from the region, by
    /// bumping the cursor.
    ///
    /// - Parameters:
    ///   - byteCount: The size in bytes; zero is valid and gives a distinct pointer.
    ///   - alignment: A power of two from 1 to 65,536; 16 by default.
    /// - Returns: The first byte, valid until the region closes.
    /// - Throws: ``AllocationError/outOfMemory(requested:alignment:)`` when a new run of pages or
    ///   a large block cannot be had.
    /// - Precondition: `byteCount >= 0`; `alignment` is a power of two in range. The messages
    ///   name the bad value.
    /// - Complexity: O(1), as `Region.allocate`.
    @inlinable
    public mutating func allocate(
        byteCount: Int,
        alignment: Int = 16
    ) throws(AllocationError) -> UnsafeMutableRawPointer {
        if let block = RegionState.bump(from: next, to: limit, byteCount: byteCount, alignment: alignment) {
            next = block.end
            // Safe: `start` lies inside a run of pages the region holds, so it is not zero.
            return UnsafeMutableRawPointer(bitPattern: block.start).unsafelyUnwrapped
        }
        let refill = try state.pointee.refillCursor(
            byteCount: byteCount,
            alignment: alignment,
            next: next,
            limit: limit
        )
        next = refill.next
        limit = refill.limit
        return refill.block
    }

    /// Allocates uninitialised memory for `count` values of `type`, aligned for it.
    ///
    /// - Precondition: `count >= 0` and the byte count does not overflow.
    @inlinable
    public mutating func allocate<T>(of type: T.Type, count: Int = 1) throws(AllocationError) -> UnsafeMutablePointer<T>
    {
        let (bytes, overflow) = MemoryLayout<T>.stride.multipliedReportingOverflow(by: count)
        require(
            !overflow && count >= 0,
            "RegionCursor.allocate(of:count:): count \(count) of \(T.self) is negative or too large"
        )
        return try allocate(byteCount: bytes, alignment: MemoryLayout<T>.alignment)
            .bindMemory(to: T.self, capacity: count)
    }
}
