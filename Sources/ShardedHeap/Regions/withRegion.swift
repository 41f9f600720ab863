/// Runs `body` with a new region and closes the region when `body` returns or throws, freeing
/// everything allocated in it at once.
///
/// ```swift
/// let sum = withRegion { region in
///     let values = OffHeapArray<Double>(allocator: region)
///     values.append(contentsOf: [1.5, 2.5])
///     return values.reduce(0, +)
/// }
/// ```
///
/// - Parameters:
///   - pool: Where pages come from; by default ``PagePool/current`` (the calling shard's pool on
///     a shard's thread, ``PagePool/shared`` elsewhere).
///   - body: The work; the region and its memory must not outlive it.
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
    let region = Region.open(pool: pool)
    defer { region.close() }
    return try body(region)
}

/// Runs the async `body` with a new region and closes the region when `body` returns or throws,
/// freeing everything allocated in it at once.
///
/// The body may `await`; its task may then continue on another thread, and the region follows
/// the thread rules described in ``Region`` (a shard's pool is used without a lock only on its
/// own thread).
///
/// - Parameters:
///   - pool: Where pages come from; by default ``PagePool/current`` at the time of the call.
///   - isolation: The caller's isolation, inherited by `body`.
///   - body: The work; the region and its memory must not outlive it.
/// - Returns: What `body` returns.
/// - Throws: Whatever `body` throws (this function rethrows, typed).
/// - Complexity: O(1) plus O(pages + large blocks) to close.
///
/// Any task may call this.
@inlinable
public func withRegion<Result: ~Copyable, Failure: Error>(
    pool: PagePool? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (Region) async throws(Failure) -> Result
) async throws(Failure) -> Result {
    let region = Region.open(pool: pool)
    defer { region.close() }
    return try await body(region)
}
