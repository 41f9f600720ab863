/// Runs `body` with a new shared region and closes it when `body` returns or throws.
///
/// - Parameters:
///   - pool: Where pages come from; by default ``PagePool/current``.
///   - body: The work; the region and its memory must not outlive it.
/// - Returns: What `body` returns.
/// - Throws: Whatever `body` throws (this function rethrows, typed).
/// - Complexity: O(1) plus O(pages + large blocks) to close.
///
/// Any thread may call this.
public func withSharedRegion<Result: ~Copyable, Failure: Error>(
    pool: PagePool? = nil,
    _ body: (SharedRegion) throws(Failure) -> Result
) throws(Failure) -> Result {
    let region = SharedRegion.open(pool: pool)
    defer { region.close() }
    return try body(region)
}

/// Runs the async `body` with a new shared region, which its child tasks may allocate from
/// concurrently, and closes the region when `body` returns or throws.
///
/// Structured child tasks (`async let`, task groups) end before `body` returns, so every
/// allocation happens before the close. Unstructured tasks (`Task {}`) must not use the region.
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
public func withSharedRegion<Result: ~Copyable, Failure: Error>(
    pool: PagePool? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (SharedRegion) async throws(Failure) -> Result
) async throws(Failure) -> Result {
    let region = SharedRegion.open(pool: pool)
    defer { region.close() }
    return try await body(region)
}
