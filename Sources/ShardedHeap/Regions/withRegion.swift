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
    var state = RegionState(pool: pool ?? PagePool.current)
    // `finish` closes the region and ends the state out of line: the state's parts are not
    // inlinable, so this fragile function must never destroy one itself.
    do {
        let result = try withUnsafeMutablePointer(to: &state) { (state) throws(Failure) -> Result in
            try body(Region(unsafeState: state))
        }
        state.finish()
        return result
    } catch {
        state.finish()
        throw error
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
    let state = RegionState.takeCachedBlock()
    // Safe: the block is uninitialised memory sized for a state; it is initialised once here and
    // deinitialised (closing the region) before it goes back to a cache.
    state.initialize(to: RegionState(pool: pool ?? PagePool.current))
    defer { RegionState.finishCachedBlock(state) }
    return try await body(Region(unsafeState: state))
}
