/// Runs `body` with memory from one shard of `group`, preferring that shard's thread.
///
/// The body runs with the shard's executor as its task-executor preference, so nonisolated async
/// code, `async let` and task-group children run on the shard's thread and allocate from its heap.
/// Child tasks inherit the allocator (it is a task-local: ``ShardAllocator/current``).
///
/// - A nested call on the same heap reuses the current shard with no hop (unless `shard` names a
///   different one).
/// - New scopes are spread across the shards round robin.
/// - Code isolated to an actor stays on that actor: if you call this from the main actor, `body`
///   runs on the main actor and its allocations fall back (they are still correct and counted).
///
/// - Parameters:
///   - group: The heap to allocate from; `.shared` by default.
///   - shard: The shard to use, or nil to pick one.
///   - isolation: The caller's isolation, inherited by `body`.
///   - body: The work to do; its result is returned.
/// - Returns: What `body` returns.
/// - Throws: Whatever `body` throws (this function rethrows).
/// - Precondition: `shard`, when given, is in `0..<heap.shardCount`.
///
/// May be called from any task.
@concurrent
public func withShardedAllocation<Result, Failure: Error>(
    on group: ShardGroup = .shared,
    shard: Int? = nil,
    _ body: sending (ShardAllocator) async throws(Failure) -> sending Result
) async throws(Failure) -> sending Result {
    if let current = ShardAllocator.binding, current.group === group, shard == nil || shard == current.shardIndex {
        return try await body(current)
    }
    let allocator = ShardAllocator(group: group, shardIndex: shard ?? group.nextShardIndex())
    let executor = group.executor(at: allocator.shardIndex)
    // `withValue` rethrows untyped errors, so the typed error travels inside a `Result`.
    let outcome = await ShardAllocator.$binding.withValue(allocator) {
        () async -> sending Swift.Result<Result, Failure> in
        await withTaskExecutorPreference(executor) { () async -> sending Swift.Result<Result, Failure> in
            do throws(Failure) {
                return .success(try await body(allocator))
            } catch {
                return .failure(error)
            }
        }
    }
    return try outcome.get()
}
