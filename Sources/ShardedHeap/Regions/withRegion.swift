/// Runs `body` with a new region and gives all of its memory back when `body` returns or throws.
///
/// ```swift
/// let sum = withRegion { region in
///     var values = RegionArray<Double>(in: region)
///     values.append(contentsOf: [1.5, 2.5])
///     return values.reduce(0, +)
/// }
/// ```
///
/// The region and everything that depends on it (a ``RegionArray``) cannot leave `body`: the
/// result type is escapable, and the region is not. The region's state lives on this call's
/// stack, so a scope makes no system allocation.
///
/// - Parameters:
///   - pool: Where pages come from; by default ``PagePool/current`` (the calling shard's pool on
///     a shard's thread, ``PagePool/shared`` elsewhere).
///   - body: The work.
/// - Returns: What `body` returns.
/// - Throws: Whatever `body` throws (this function rethrows, typed).
/// - Complexity: O(1) plus O(pages + large blocks) to close.
///
/// Any thread may call this.
@inlinable
public func withRegion<Result: ~Copyable, Failure: Error>(
    pool: PagePool? = nil,
    _ body: (Region) throws(Failure) -> Result
) throws(Failure) -> Result {
    // The state lives in stack memory of this call; it is set up and closed out of line, so this
    // inlined code never copies or destroys one (its parts are not inlinable).
    try withUnsafeTemporaryAllocation(byteCount: RegionState.stackByteCount, alignment: 16) {
        (memory) throws(Failure) -> Result in
        let state = RegionState.start(in: memory.baseAddress.unsafelyUnwrapped, pool: pool)
        defer { RegionState.finish(state) }
        return try body(Region(unsafeState: state))
    }
}

/// Runs the async `body` with a new region and gives all of its memory back when `body` returns
/// or throws.
///
/// `body` runs on the caller's executor (the function is `nonisolated(nonsending)`). It may
/// `await`; its task may then continue on another thread, and the region follows the thread rules
/// described in ``Region``. The region's state lives in a block taken from a small per-thread
/// cache and returned to the cache of whichever thread the scope ends on, so after the first
/// scopes on a thread no system allocation happens here either.
///
/// - Parameters:
///   - pool: Where pages come from; by default ``PagePool/current`` at the time of the call.
///   - body: The work.
/// - Returns: What `body` returns.
/// - Throws: Whatever `body` throws (this function rethrows, typed).
/// - Complexity: O(1) plus O(pages + large blocks) to close.
///
/// Any task may call this.
@inlinable
nonisolated(nonsending)
    public func withRegion<Result: ~Copyable, Failure: Error>(
        pool: PagePool? = nil,
        _ body: (Region) async throws(Failure) -> Result
    ) async throws(Failure) -> Result
{
    let state = RegionState.start(in: RegionState.takeCachedBlock(), pool: pool)
    defer { RegionState.finishCachedBlock(state) }
    return try await body(Region(unsafeState: state))
}
