extension ShardGroup {
    /// Starts a task on one shard, with that shard's allocator.
    ///
    /// The task prefers the shard's executor (so its nonisolated code runs on the shard's thread)
    /// and carries the allocator as ``ShardAllocator/current`` for its child tasks.
    ///
    /// - Parameters:
    ///   - shard: The shard to use, or nil to pick one round robin.
    ///   - priority: The task's priority.
    ///   - operation: The work, given the shard's allocator.
    /// - Returns: The task, to await or cancel.
    /// - Precondition: `shard`, when given, is in `0..<shardCount`.
    ///
    /// Any thread may call this.
    @discardableResult
    public func task<Success: Sendable>(
        shard: Int? = nil,
        priority: TaskPriority? = nil,
        operation: sending @escaping (ShardAllocator) async throws -> Success
    ) -> Task<Success, any Error> {
        let allocator = ShardAllocator(group: self, shardIndex: shard ?? nextShardIndex())
        return Task(executorPreference: taskExecutor(at: allocator.shardIndex), priority: priority) {
            try await ShardAllocator.$binding.withValue(allocator) {
                try await operation(allocator)
            }
        }
    }
}
