/// Runs `body` with memory from one shard of `group`, on that shard's thread.
///
/// The function is `@concurrent`: it leaves the caller's actor, and `body` runs with the shard's
/// executor as its task-executor preference. So nonisolated async code in `body`, `async let`
/// and task-group children run on the shard's thread and allocate from its heap, whoever called
/// (the main actor included). Child tasks inherit the allocator (it is a task-local:
/// ``ShardAllocator/current``).
///
/// - A nested call on the same group reuses the current shard with no hop (unless `shard` names
///   a different one).
/// - New scopes are spread across the shards round robin.
/// - Code that `body` calls on an actor (`await MainActor.run { ... }`, an actor method) runs on
///   that actor's executor; allocations made there fall back to the calling thread's default
///   heap. They are still correct, and counted in the group's fallback bucket.
///
/// - Parameters:
///   - group: The shard group to allocate from; ``ShardGroup/shared`` by default.
///   - shard: The shard to use, or nil to pick one.
///   - body: The work to do; its result is returned. It is `sending`, because it runs off the
///     caller's isolation.
/// - Returns: What `body` returns.
/// - Throws: Whatever `body` throws (this function rethrows, typed).
/// - Precondition: `shard`, when given, is in `0..<group.shardCount`.
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
    let executor = group.taskExecutor(at: allocator.shardIndex)
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
